// Working on SOPS files without decrypting every value: encrypting with a key wrapped ahead of time, telling which
// keys hold encrypted values, and re-wrapping the data key to new recipients as `sops updatekeys` does.
import { isMap, parseAllDocuments, Scalar as YamlScalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Document } from 'yaml';
import type { AgeIdentity, AgeStanza } from './age-keys.ts';
import { dataKeyBytes, SopsDataKey } from './data-key.ts';
import { compileEncryptionRule, DEFAULT_ENCRYPTION_RULE } from './encryption-rule.ts';
import type { EncryptionRule } from './encryption-rule.ts';
import { SecretsError } from './errors.ts';
import { formatMetadata, parseMetadata, SOPS_FORMAT_VERSION, SOPS_KEY } from './metadata.ts';
import { decryptSopsYaml } from './sops-file.ts';
import { encryptTree, formatLastModified, sealMac } from './tree-cipher.ts';
import { formatYamlDocuments, parseYamlDocuments } from './yaml-tree.ts';

/** Options of encryptSopsYamlWithKey: as EncryptSopsOptions, with the key instead of the recipients. */
export interface EncryptWithKeyOptions {
  /** Repository path of the file, named in every error. */
  file: string;
  /** Which values to encrypt; sops's default when absent. */
  rule?: EncryptionRule | undefined;
  macOnlyEncrypted?: boolean | undefined;
  /** Recorded as lastmodified. */
  now: Date;
}

/** Encrypts a plain YAML file with a data key wrapped earlier (SopsDataKey.create); synchronous, same output as encryptSopsYaml. */
export function encryptSopsYamlWithKey(plainYaml: string, key: SopsDataKey, options: EncryptWithKeyOptions): string {
  const { file } = options;
  const documents = parseYamlDocuments(plainYaml, file);
  if (documents.some((document) => document.has(SOPS_KEY))) throw new SecretsError('reserved-key', { file });
  const rule = options.rule ?? DEFAULT_ENCRYPTION_RULE;
  const macOnlyEncrypted = options.macOnlyEncrypted ?? false;
  const dataKey = dataKeyBytes(key);
  const encrypted = encryptTree(documents, { file, dataKey, isEncrypted: compileEncryptionRule(rule, file), macOnlyEncrypted });
  const lastModified = formatLastModified(options.now);
  const block = formatMetadata({ age: [...key.stanzas], otherKeyTypes: [], lastModified, mac: sealMac(encrypted.mac, dataKey, lastModified), rule, macOnlyEncrypted, version: SOPS_FORMAT_VERSION });
  const withMetadata = (encrypted.documents.length > 0 ? encrypted.documents : [new Map()]).map((document) => new Map([...document, [SOPS_KEY, block]]));
  return formatYamlDocuments(withMetadata);
}

/** What the metadata of a SOPS file says, read without its key. */
export interface SopsSettings {
  /** The age recipients the data key is wrapped to. */
  recipients: string[];
  rule: EncryptionRule;
  /** True when the MAC covers only encrypted values, so plain values may change without the key. */
  macOnlyEncrypted: boolean;
}

/** True when `text` looks like a SOPS YAML file (a top-level `sops:` key); cheap, for choosing files to inspect. */
export function looksLikeSopsYaml(text: string): boolean {
  return /^sops:\s*$/m.test(text);
}

/** The metadata of a SOPS file, without decrypting anything; checkSopsYaml checks the values too. */
export function readSopsSettings(text: string, file: string): SopsSettings {
  const block = parseYamlDocuments(text, file)[0]?.get(SOPS_KEY);
  if (block === undefined) throw new SecretsError('not-encrypted', { file });
  const metadata = parseMetadata(block, file);
  return { recipients: metadata.age.map((stanza) => stanza.recipient), rule: metadata.rule, macOnlyEncrypted: metadata.macOnlyEncrypted };
}

/** Result of updateSopsRecipients. */
export interface RecipientUpdate {
  /** The file with its new `age:` entries; the same text when nothing changed. */
  text: string;
  added: string[];
  removed: string[];
}

/**
 * Re-wraps a file's data key to `recipients`, as `sops updatekeys` does: the file is decrypted first (so a damaged
 * file is never passed on), values and MAC stay as they are, and only the `age:` entries change.
 */
export async function updateSopsRecipients(text: string, options: { file: string; identities: readonly AgeIdentity[]; recipients: readonly string[] }): Promise<RecipientUpdate> {
  const { file } = options;
  if (options.recipients.length === 0) throw new SecretsError('bad-recipient', { file, detail: 'no recipients given' });
  const current = (await decryptSopsYaml(text, { file, identities: options.identities })).recipients;
  const wanted = [...new Set(options.recipients)];
  const added = wanted.filter((recipient) => !current.includes(recipient));
  const removed = current.filter((recipient) => !wanted.includes(recipient));
  if (added.length === 0 && removed.length === 0) return { text, added, removed };
  const [first] = parseYamlDocuments(text, file);
  const stanzas = parseMetadata(first?.get(SOPS_KEY) ?? null, file).age;
  const key = await (await SopsDataKey.open(stanzas, options.identities, file)).rewrap(wanted, file);
  return { text: replaceAgeEntries(text, key.stanzas, file), added, removed };
}

/** The text with the `age:` entries of every document's sops block replaced; the rest keeps its layout and comments. */
function replaceAgeEntries(text: string, stanzas: readonly AgeStanza[], file: string): string {
  const documents = parseAllDocuments(text, { version: '1.2', schema: 'core' }) as Document.Parsed[];
  for (const document of documents) {
    const block = document.get(SOPS_KEY);
    if (!isMap(block)) continue;
    const groups = block.get('key_groups');
    const holder = groups instanceof YAMLSeq && isMap(groups.items[0]) ? groups.items[0] : block;
    holder.set('age', ageNode(stanzas));
  }
  if (documents.length === 0) throw new SecretsError('not-encrypted', { file });
  const indent = /^( +)\S/m.exec(text)?.[1]?.length ?? 4;
  // sops indents list items under their key; a file whose lists start at the key's column keeps that.
  const indentSeq = !/^( *)[^\s#-][^\n]*:\n\1- /m.test(text);
  return documents.map((document) => document.toString({ indent, indentSeq, lineWidth: 0 })).join('');
}

/** The `age:` list with each armored key as a literal block, as sops writes it. */
function ageNode(stanzas: readonly AgeStanza[]): YAMLSeq {
  const list = new YAMLSeq();
  for (const stanza of stanzas) {
    const entry = new YAMLMap();
    const enc = new YamlScalar(stanza.enc);
    enc.type = YamlScalar.BLOCK_LITERAL;
    entry.set('enc', enc);
    entry.set('recipient', stanza.recipient);
    list.items.push(entry);
  }
  return list;
}
