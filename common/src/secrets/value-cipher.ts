// One SOPS value: `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]`, AES-256-GCM with the key path as additional data.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { GoTimestamp } from './go-yaml-scalars.ts';
import type { Scalar } from './yaml-tree.ts';

/** The `type:` of an encrypted value: how its plaintext bytes turn back into a YAML value. */
export type ValueType = 'str' | 'int' | 'float' | 'bool' | 'bytes' | 'time' | 'comment';

/** The parts of an encrypted value string. */
export interface EncryptedValue {
  data: Buffer;
  iv: Buffer;
  tag: Buffer;
  type: ValueType;
}

// sops uses 32-byte IVs (not GCM's usual 12) and full 16-byte tags; Node's GCM accepts both.
const IV_BYTES = 32;
const TAG_BYTES = 16;
const BASE64 = '[A-Za-z0-9+/]+={0,2}';
const ENCRYPTED_VALUE = new RegExp(`^ENC\\[AES256_GCM,data:(${BASE64}),iv:(${BASE64}),tag:(${BASE64}),type:(str|int|float|bool|bytes|time|comment)\\]$`);

/** Splits an `ENC[…]` string into its parts, or undefined when it is not one. */
export function parseEncryptedValue(text: string): EncryptedValue | undefined {
  const match = ENCRYPTED_VALUE.exec(text);
  if (!match) return undefined;
  const [data, iv, tag] = [match[1]!, match[2]!, match[3]!].map((part) => Buffer.from(part, 'base64')) as [Buffer, Buffer, Buffer];
  if (iv.length === 0 || tag.length !== TAG_BYTES) return undefined;
  return { data, iv, tag, type: match[4] as ValueType };
}

/** Encrypts `plaintext` under the data key with `additionalData` (the key path, `a:b:c:`). */
export function encryptValue(plaintext: Uint8Array, type: ValueType, dataKey: Buffer, additionalData: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(additionalData, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `ENC[AES256_GCM,data:${data.toString('base64')},iv:${iv.toString('base64')},tag:${tag.toString('base64')},type:${type}]`;
}

/** Decrypts and authenticates one value; undefined when authentication fails (tampered, moved, other key). */
export function decryptValue(value: EncryptedValue, dataKey: Buffer, additionalData: string): Buffer | undefined {
  const decipher = createDecipheriv('aes-256-gcm', dataKey, value.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(additionalData, 'utf8'));
  decipher.setAuthTag(value.tag);
  try {
    return Buffer.concat([decipher.update(value.data), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** The additional data sops binds a value to: its map keys joined and ended with `:`. */
export function additionalDataFor(path: readonly string[]): string {
  return `${path.join(':')}:`;
}

/** A scalar's plaintext bytes and type, as sops's Go code writes them (`True`/`False`, shortest floats, no exponent). */
export function plaintextOf(value: Exclude<Scalar, null>): { bytes: Buffer; type: ValueType } {
  if (value instanceof GoTimestamp) return { bytes: Buffer.from(value.canonical, 'utf8'), type: 'time' };
  switch (typeof value) {
    case 'string':
      return { bytes: Buffer.from(value, 'utf8'), type: 'str' };
    case 'bigint':
      return { bytes: Buffer.from(value.toString(), 'utf8'), type: 'int' };
    case 'number':
      return { bytes: Buffer.from(goFloat(value), 'utf8'), type: 'float' };
    case 'boolean':
      return { bytes: Buffer.from(value ? 'True' : 'False', 'utf8'), type: 'bool' };
  }
}

/** The bytes sops feeds the MAC for a plain (never encrypted, or already decrypted) scalar. */
export function macBytesOf(value: Exclude<Scalar, null>): Buffer {
  return plaintextOf(value).bytes;
}

/** Turns decrypted bytes back into a value the way sops's Go code parses them; undefined when they do not parse. */
export function scalarFromPlaintext(bytes: Buffer, type: ValueType): Exclude<Scalar, null> | undefined {
  const text = bytes.toString('utf8');
  switch (type) {
    case 'str':
    case 'bytes':
    case 'time':
      return text;
    case 'int':
      return /^[+-]?\d{1,19}$/.test(text) && BigInt.asIntN(64, BigInt(text)) === BigInt(text) ? BigInt(text) : undefined;
    case 'float':
      return parseGoFloat(text);
    case 'bool':
      return GO_BOOLS.get(text);
    case 'comment':
      return undefined;
  }
}

// strconv.ParseBool's accepted spellings.
const GO_BOOLS = new Map<string, boolean>([
  ...['1', 't', 'T', 'TRUE', 'true', 'True'].map((s) => [s, true] as const),
  ...['0', 'f', 'F', 'FALSE', 'false', 'False'].map((s) => [s, false] as const),
]);

/** strconv.ParseFloat for the decimal, infinity and NaN forms sops writes. */
function parseGoFloat(text: string): number | undefined {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number(text);
  if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return NaN;
  return undefined;
}

/** strconv.FormatFloat(value, 'f', -1, 64): the shortest digits that round-trip, never in exponent form. */
export function goFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  // JavaScript's toString gives the same shortest digits, sometimes with an exponent that Go's 'f' format expands.
  const [mantissa, exponentText] = Math.abs(value).toString().split('e') as [string, string | undefined];
  if (exponentText === undefined) return sign + mantissa;
  const [whole, fraction = ''] = mantissa.split('.') as [string, string | undefined];
  const digits = whole + fraction;
  const point = whole.length + Number(exponentText);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
