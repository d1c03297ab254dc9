// Characters that read differently across YAML readers or hide text from people: which ones the API refuses and
// which ones Cascade's YAML writers only ever write as escapes.

/**
 * Refused in any text Cascade accepts: C1 controls (NEL among them, a line break in YAML 1.1), the line and paragraph
 * separators U+2028/U+2029 (line breaks for PyYAML and go-yaml, not for YAML 1.2), bidirectional controls (they
 * reorder what the UI and `git log` show: "Trojan Source"), lone surrogates (no UTF-8 form) and U+FFFE/U+FFFF.
 */
const REFUSED = /[\u0080-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]/u;

/** What the writers escape: the refused set, C0 controls but newline (PyYAML refuses a tab in a plain scalar), DEL, U+FEFF (a byte order mark to libyaml). */
// eslint-disable-next-line no-control-regex -- control characters are what this set is for
const ESCAPED = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff\ud800-\udfff]/u;
/** The escaped set minus what JSON.stringify escapes already (C0 controls, lone surrogates). */
const LEFT_AFTER_JSON = /[\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]/gu;

/** The first character of `text` the API refuses, with why, e.g. `U+2028 (a line break to YAML 1.1 readers)`; undefined when there is none. */
export function refusedCharacter(text: string): string | undefined {
  const match = REFUSED.exec(text);
  if (!match) return undefined;
  const code = match[0].charCodeAt(0);
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')} (${whyRefused(code)})`;
}

function whyRefused(code: number): string {
  if (code === 0x85 || code === 0x2028 || code === 0x2029) return 'a line break to YAML 1.1 readers such as PyYAML and go-yaml';
  if (code < 0xa0) return 'a control character';
  if (code >= 0xd800 && code <= 0xdfff) return 'an unpaired surrogate, which has no UTF-8 form';
  if (code >= 0xfffe) return 'a noncharacter';
  return 'a bidirectional control, which reorders the text people see';
}

/** True when a string must be written double-quoted with escapes for every YAML 1.1 and 1.2 reader to see it whole. */
export function needsEscapes(text: string): boolean {
  return ESCAPED.test(text);
}

/** `text` as a one-line double-quoted YAML scalar in which every character of the escaped set is a `\uXXXX` escape. */
export function escapedDoubleQuoted(text: string): string {
  // JSON's escapes (\" \\ \b \f \n \r \t \uXXXX) mean the same in YAML 1.1 and 1.2 double-quoted scalars.
  return JSON.stringify(text).replace(LEFT_AFTER_JSON, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
