// Where sops's YAML decoder (go-yaml v3) types a plain scalar differently from YAML 1.2's core schema.
// Unquoted timestamps become Go times, which sops authenticates and encrypts in their RFC 3339 form.

/** An unquoted scalar go-yaml reads as a timestamp: `text` as written, `canonical` as Go's time.MarshalText writes it. */
export class GoTimestamp {
  /** Keeps both forms: output shows what was written, the MAC and encryption use what sops uses. */
  constructor(
    readonly text: string,
    readonly canonical: string,
  ) {}
}

// go-yaml's accepted layouts: RFC 3339 with short fields (T or t), space-separated without zone, date only.
const DATE_TIME = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})| (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?)?$/;

/** The timestamp go-yaml would make of an unquoted scalar, or undefined when it reads it as something else. */
export function goTimestamp(text: string): GoTimestamp | undefined {
  const match = DATE_TIME.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [match[1], match[2], match[3]].map(Number) as [number, number, number];
  const [hour, minute, second] = [match[4] ?? match[9] ?? '0', match[5] ?? match[10] ?? '0', match[6] ?? match[11] ?? '0'].map(Number) as [number, number, number];
  const fraction = (match[7] ?? match[12] ?? '').replace(/0+$/, '');
  const zone = match[8] ?? 'Z';
  // time.Parse refuses impossible dates and times; go-yaml then keeps the text as a string.
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate() || hour > 23 || minute > 59 || second > 59) return undefined;
  if (zone !== 'Z' && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4)) > 59)) return undefined;
  const two = (n: number) => String(n).padStart(2, '0');
  const offset = zone === 'Z' || zone.slice(1) === '00:00' ? 'Z' : zone;
  const canonical = `${match[1]}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(second)}${fraction ? `.${fraction}` : ''}${offset}`;
  return new GoTimestamp(text, canonical);
}

/**
 * True when go-yaml would not read `text`, written unquoted, back as the same string: timestamps, and numbers in
 * forms the core schema does not know (`1_000`, `0b101`, `0X1F`). Such strings are written quoted.
 */
export function goReadsAsNonString(text: string): boolean {
  if (goTimestamp(text)) return true;
  if (!/^[-+.]?[0-9]/.test(text)) return false;
  const plain = text.replaceAll('_', '');
  return /^[-+]?(0[bB][01]+|0[oO][0-7]+|0[xX][0-9a-fA-F]+|[0-9]+)$/.test(plain) || /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain);
}
