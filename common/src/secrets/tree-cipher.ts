// Encrypting and decrypting every value of a SOPS tree, and the MAC over them, exactly as sops's Tree.Encrypt/Decrypt do.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Hash } from 'node:crypto';
import type { EncryptionPredicate } from './encryption-rule.ts';
import { SecretsError } from './errors.ts';
import { additionalDataFor, decryptValue, encryptValue, macBytesOf, parseEncryptedValue, plaintextOf, scalarFromPlaintext } from './value-cipher.ts';
import { isTreeMap } from './yaml-tree.ts';
import type { Scalar, Tree, TreeMap } from './yaml-tree.ts';

/** How a tree is processed: the data key, which paths are encrypted, and what the MAC covers. */
export interface TreeCipherOptions {
  file: string;
  dataKey: Buffer;
  isEncrypted: EncryptionPredicate;
  macOnlyEncrypted: boolean;
}

// sha256("sops"): sops seeds the hash with it when mac_only_encrypted is set, so the two MAC kinds never collide.
const MAC_ONLY_ENCRYPTED_SEED = Buffer.from('8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69', 'hex');

/** Encrypts the values the rule selects; returns the new documents and the MAC (uppercase hex SHA-512) of the plain values. */
export function encryptTree(documents: readonly TreeMap[], options: TreeCipherOptions): { documents: TreeMap[]; mac: string } {
  const hash = newMacHash(options.macOnlyEncrypted);
  const onLeaf = (value: Exclude<Scalar, null>, path: string[]): Scalar => {
    const encrypted = options.isEncrypted(path);
    if (!options.macOnlyEncrypted || encrypted) hash.update(macBytesOf(value));
    // sops leaves empty strings as they are: there is nothing to hide and no IV to spend.
    if (!encrypted || value === '') return value;
    const { bytes, type } = plaintextOf(value);
    return encryptValue(bytes, type, options.dataKey, additionalDataFor(path));
  };
  const out = documents.map((document) => mapLeaves(document, [], onLeaf) as TreeMap);
  return { documents: out, mac: hash.digest('hex').toUpperCase() };
}

/** Decrypts and authenticates every encrypted value; returns the plain documents and the MAC recomputed over them. */
export function decryptTree(documents: readonly TreeMap[], options: TreeCipherOptions): { documents: TreeMap[]; mac: string } {
  const { file } = options;
  const hash = newMacHash(options.macOnlyEncrypted);
  const onLeaf = (value: Exclude<Scalar, null>, path: string[]): Scalar => {
    const encrypted = options.isEncrypted(path);
    if (!encrypted) {
      if (!options.macOnlyEncrypted) hash.update(macBytesOf(value));
      return value;
    }
    const where = { file, path: path.join('.') };
    if (typeof value !== 'string') throw new SecretsError('bad-value', { ...where, detail: 'a plain value where an encrypted one belongs' });
    if (value === '') return value;
    const parsed = parseEncryptedValue(value);
    if (!parsed) throw new SecretsError('bad-value', { ...where, detail: 'not an ENC[AES256_GCM,…] value' });
    const plaintext = decryptValue(parsed, options.dataKey, additionalDataFor(path));
    if (!plaintext) throw new SecretsError('value-tampered', where);
    const scalar = scalarFromPlaintext(plaintext, parsed.type);
    if (scalar === undefined) throw new SecretsError('bad-value', { ...where, detail: `the plaintext is not a valid ${parsed.type}` });
    // Text types are hashed as the raw bytes (as Go does, even if they are not UTF-8); others by their Go text form.
    hash.update(['str', 'bytes', 'time'].includes(parsed.type) ? plaintext : macBytesOf(scalar));
    return scalar;
  };
  const out = documents.map((document) => mapLeaves(document, [], onLeaf) as TreeMap);
  return { documents: out, mac: hash.digest('hex').toUpperCase() };
}

/** Encrypts the MAC itself, bound to the file's lastmodified time, as the `mac` field stores it. */
export function sealMac(mac: string, dataKey: Buffer, lastModified: string): string {
  return encryptValue(Buffer.from(mac, 'utf8'), 'str', dataKey, lastModified);
}

/** Checks the stored MAC against the recomputed one; throws mac-missing or mac-mismatch naming the file. */
export function verifyMac(stored: string, computed: string, dataKey: Buffer, lastModified: string, file: string): void {
  if (stored === '') throw new SecretsError('mac-missing', { file });
  const parsed = parseEncryptedValue(stored);
  if (!parsed) throw new SecretsError('mac-mismatch', { file, detail: 'the mac field is not an ENC[AES256_GCM,…] value' });
  const opened = decryptValue(parsed, dataKey, goRfc3339(lastModified, file));
  if (!opened) throw new SecretsError('mac-mismatch', { file, detail: 'the MAC or lastmodified was changed' });
  const expected = Buffer.from(computed, 'utf8');
  if (opened.length !== expected.length || !timingSafeEqual(opened, expected)) throw new SecretsError('mac-mismatch', { file, detail: 'the values do not match the MAC' });
}

/**
 * lastmodified as Go re-formats it after parsing (time.RFC3339): fractional seconds dropped, a zero offset as `Z`.
 * sops authenticates the MAC with that text, not with the text in the file.
 */
export function goRfc3339(lastModified: string, file: string): string {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(lastModified);
  if (!match) throw new SecretsError('bad-metadata', { file, detail: 'lastmodified is not an RFC 3339 time' });
  const offset = match[2] === '+00:00' || match[2] === '-00:00' ? 'Z' : match[2]!;
  return match[1]! + offset;
}

/** lastmodified for a write at `now`, as sops writes it (UTC, whole seconds). */
export function formatLastModified(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function newMacHash(macOnlyEncrypted: boolean): Hash {
  const hash = createHash('sha512');
  if (macOnlyEncrypted) hash.update(MAC_ONLY_ENCRYPTED_SEED);
  return hash;
}

/** Rebuilds a tree with each non-null leaf replaced; the path holds map keys only (list positions are not part of it). */
function mapLeaves(tree: Tree, path: string[], onLeaf: (value: Exclude<Scalar, null>, path: string[]) => Scalar): Tree {
  if (tree === null) return null;
  if (isTreeMap(tree)) {
    const out: TreeMap = new Map();
    for (const [key, value] of tree) out.set(key, mapLeaves(value, [...path, key], onLeaf));
    return out;
  }
  if (Array.isArray(tree)) return tree.map((item) => mapLeaves(item, path, onLeaf));
  return onLeaf(tree, path);
}
