// Reading and writing whole SOPS YAML files: parse, find the metadata, open the data key, walk the values, check the MAC.
import { randomBytes } from 'node:crypto';
import { unwrapDataKey, wrapDataKey } from './age-keys.ts';
import type { AgeIdentity } from './age-keys.ts';
import { compileEncryptionRule, DEFAULT_ENCRYPTION_RULE } from './encryption-rule.ts';
import type { EncryptionRule } from './encryption-rule.ts';
import { SecretsError } from './errors.ts';
import { formatMetadata, parseMetadata, SOPS_FORMAT_VERSION, SOPS_KEY } from './metadata.ts';
import { decryptTree, encryptTree, formatLastModified, goRfc3339, sealMac, verifyMac } from './tree-cipher.ts';
import { GoTimestamp } from './go-yaml-scalars.ts';
import { formatYamlDocuments, isTreeMap, parseYamlDocuments } from './yaml-tree.ts';
import type { Tree, TreeMap } from './yaml-tree.ts';

/** A decrypted value: YAML's types, ints beyond Number's safe range as bigint. */
export type SecretValue = string | number | bigint | boolean | null | SecretValue[] | SecretMap;

/** A decrypted mapping (a null-prototype object, so keys like `__proto__` are plain data). */
export interface SecretMap {
  [key: string]: SecretValue;
}

/** The plain content of a SOPS file. Holds secret values: never log it or put it in a status, event or error. */
export interface DecryptedSopsFile {
  /** One mapping per YAML document, without the `sops` block. */
  documents: SecretMap[];
  /** The age recipients the file is encrypted to. */
  recipients: string[];
}

/** Options of decryptSopsYaml. */
export interface DecryptSopsOptions {
  /** Repository path of the file, named in every error. */
  file: string;
  /** Identities to try, e.g. the current and the previous key during a rotation. */
  identities: readonly AgeIdentity[];
}

/** Decrypts a SOPS YAML file and verifies its MAC; any failure is a SecretsError naming the file and what failed. */
export async function decryptSopsYaml(text: string, options: DecryptSopsOptions): Promise<DecryptedSopsFile> {
  const { file } = options;
  const { documents, metadataBlock } = splitMetadata(parseYamlDocuments(text, file), file);
  const metadata = parseMetadata(metadataBlock, file);
  if (metadata.age.length === 0) {
    const others = metadata.otherKeyTypes.length > 0 ? `only to ${metadata.otherKeyTypes.join(', ')}` : 'to no key at all';
    throw new SecretsError('no-matching-identity', { file, recipients: [], detail: `the file is encrypted ${others}` });
  }
  // Checked before the slow steps, so a damaged timestamp fails fast and the same way everywhere.
  goRfc3339(metadata.lastModified, file);
  const dataKey = Buffer.from(await unwrapDataKey(metadata.age, options.identities, file));
  if (dataKey.length !== 32) throw new SecretsError('bad-metadata', { file, detail: 'the data key is not 32 bytes' });
  const plain = decryptTree(documents, {
    file,
    dataKey,
    isEncrypted: compileEncryptionRule(metadata.rule, file),
    macOnlyEncrypted: metadata.macOnlyEncrypted,
  });
  verifyMac(metadata.mac, plain.mac, dataKey, metadata.lastModified, file);
  return { documents: plain.documents.map((document) => toSecretMap(document)), recipients: metadata.age.map((stanza) => stanza.recipient) };
}

/** Options of encryptSopsYaml; a CreationRule supplies `recipients`, `rule` and `macOnlyEncrypted`. */
export interface EncryptSopsOptions {
  /** Repository path of the file, named in every error. */
  file: string;
  /** age recipients (`age1…`) that may decrypt the file. */
  recipients: readonly string[];
  /** Which values to encrypt; sops's default (all but keys ending in `_unencrypted`) when absent. */
  rule?: EncryptionRule | undefined;
  macOnlyEncrypted?: boolean | undefined;
  /** Recorded as lastmodified. */
  now: Date;
}

/** Encrypts a plain YAML file to age recipients in the SOPS format, so `sops -d` and decryptSopsYaml read it. */
export async function encryptSopsYaml(plainYaml: string, options: EncryptSopsOptions): Promise<string> {
  const { file } = options;
  if (options.recipients.length === 0) throw new SecretsError('bad-recipient', { file, detail: 'no recipients given' });
  const documents = parseYamlDocuments(plainYaml, file);
  if (documents.some((document) => document.has(SOPS_KEY))) throw new SecretsError('reserved-key', { file });
  const rule = options.rule ?? DEFAULT_ENCRYPTION_RULE;
  const macOnlyEncrypted = options.macOnlyEncrypted ?? false;
  const dataKey = randomBytes(32);
  const encrypted = encryptTree(documents, { file, dataKey, isEncrypted: compileEncryptionRule(rule, file), macOnlyEncrypted });
  const lastModified = formatLastModified(options.now);
  const age = [];
  for (const recipient of options.recipients) age.push({ recipient, enc: await wrapDataKey(dataKey, recipient, file) });
  const block = formatMetadata({ age, otherKeyTypes: [], lastModified, mac: sealMac(encrypted.mac, dataKey, lastModified), rule, macOnlyEncrypted, version: SOPS_FORMAT_VERSION });
  // sops writes the block into every document; it reads it from the first.
  const withMetadata = (encrypted.documents.length > 0 ? encrypted.documents : [new Map()]).map((document) => new Map([...document, [SOPS_KEY, block]]));
  return formatYamlDocuments(withMetadata);
}

/** Takes the `sops` entry from the first document and drops it from all, as sops's ExtractMetadata does. */
function splitMetadata(parsed: TreeMap[], file: string): { documents: TreeMap[]; metadataBlock: Tree } {
  const metadataBlock = parsed[0]?.get(SOPS_KEY);
  if (metadataBlock === undefined) throw new SecretsError('not-encrypted', { file });
  const documents = parsed.map((document) => new Map([...document].filter(([key]) => key !== SOPS_KEY)));
  return { documents, metadataBlock };
}

/** A tree as plain JavaScript: null-prototype objects, safe ints as numbers. */
function toSecretValue(tree: Tree): SecretValue {
  if (isTreeMap(tree)) return toSecretMap(tree);
  if (Array.isArray(tree)) return tree.map(toSecretValue);
  // A plain timestamp reads as written, as YAML 1.2 (and Cascade's other readers) see it.
  if (tree instanceof GoTimestamp) return tree.text;
  if (typeof tree === 'bigint') return tree >= BigInt(Number.MIN_SAFE_INTEGER) && tree <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(tree) : tree;
  return tree;
}

function toSecretMap(map: TreeMap): SecretMap {
  const out = Object.create(null) as SecretMap;
  for (const [key, value] of map) out[key] = toSecretValue(value);
  return out;
}
