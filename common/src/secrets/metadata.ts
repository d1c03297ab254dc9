// The `sops:` block: who can open the data key, when the file was last written, its MAC and its encryption rule.
import type { AgeStanza } from './age-keys.ts';
import { DEFAULT_ENCRYPTION_RULE, RULE_FIELDS } from './encryption-rule.ts';
import type { EncryptionRule } from './encryption-rule.ts';
import { SecretsError } from './errors.ts';
import { GoTimestamp } from './go-yaml-scalars.ts';
import { isTreeMap } from './yaml-tree.ts';
import type { Tree, TreeMap } from './yaml-tree.ts';

/** The top-level key holding the metadata, in every document of a SOPS YAML file. */
export const SOPS_KEY = 'sops';

/** The sops release whose file format Cascade writes; sops records its own version here. */
export const SOPS_FORMAT_VERSION = '3.13.3';

/** What Cascade reads from a `sops:` block. */
export interface SopsMetadata {
  /** The data key, age-encrypted to each recipient. */
  age: AgeStanza[];
  /** Other key types present (`pgp`, `kms`, …), named when no age identity can help. */
  otherKeyTypes: string[];
  /** RFC 3339 time of the last write, as written; the MAC is bound to it. */
  lastModified: string;
  /** The encrypted MAC, an `ENC[…]` string, or empty. */
  mac: string;
  rule: EncryptionRule;
  /** When true the MAC covers only encrypted values. */
  macOnlyEncrypted: boolean;
  version: string;
}

// Key types sops knows besides age; present ones are only reported, never used.
const OTHER_KEY_TYPES = ['pgp', 'kms', 'gcp_kms', 'azure_kv', 'hc_vault', 'hckms'];
const COMMENT_RULES = ['encrypted_comment_regex', 'unencrypted_comment_regex'];

/** Reads and checks the `sops:` block of `file`. */
export function parseMetadata(block: Tree, file: string): SopsMetadata {
  if (!isTreeMap(block)) throw bad(file, 'the sops entry is not a mapping');
  for (const field of COMMENT_RULES) {
    if (text(block, field, file)) throw new SecretsError('unsupported', { file, detail: `${field} is not supported` });
  }
  const rules = RULE_FIELDS.filter((field) => text(block, field, file) !== '');
  if (rules.length > 1) throw bad(file, `more than one of ${rules.join(', ')}`);
  const rule = rules[0] ? { field: rules[0], value: text(block, rules[0], file) } : DEFAULT_ENCRYPTION_RULE;
  const group = keyGroup(block, file);
  const lastModified = text(block, 'lastmodified', file);
  if (!lastModified) throw bad(file, 'lastmodified is missing');
  return {
    age: ageStanzas(group.get('age') ?? null, file),
    otherKeyTypes: OTHER_KEY_TYPES.filter((type) => isPresent(group.get(type))),
    lastModified,
    mac: text(block, 'mac', file),
    rule,
    macOnlyEncrypted: flag(block.get('mac_only_encrypted') ?? null, file),
    version: text(block, 'version', file),
  };
}

/** The one key group: the block itself, or the single entry of `key_groups`; several groups (Shamir) are refused. */
function keyGroup(block: TreeMap, file: string): TreeMap {
  const groups = block.get('key_groups');
  if (groups === undefined || groups === null) return block;
  if (!Array.isArray(groups)) throw bad(file, 'key_groups is not a list');
  if (groups.length !== 1) throw new SecretsError('unsupported', { file, detail: `${groups.length} key groups (Shamir secret sharing)` });
  const group = groups[0]!;
  if (!isTreeMap(group)) throw bad(file, 'key_groups[0] is not a mapping');
  return group;
}

/** The `age:` entries, each a recipient and its armored encrypted data key. */
function ageStanzas(value: Tree, file: string): AgeStanza[] {
  if (value === null) return [];
  if (!Array.isArray(value)) throw bad(file, 'age is not a list');
  return value.map((entry, index) => {
    if (!isTreeMap(entry)) throw bad(file, `age[${index}] is not a mapping`);
    const recipient = entry.get('recipient');
    const enc = entry.get('enc');
    if (typeof recipient !== 'string' || typeof enc !== 'string') throw bad(file, `age[${index}] needs string recipient and enc`);
    return { recipient, enc };
  });
}

/** A scalar field as text ('' when absent), accepting numbers as sops's weakly typed decoding does. */
function text(block: TreeMap, field: string, file: string): string {
  const value = block.get(field);
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (value instanceof GoTimestamp) return value.text;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  throw bad(file, `${field} is not a string`);
}

/** A boolean field, `true`/`false` or their string forms. */
function flag(value: Tree, file: string): boolean {
  if (value === null || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw bad(file, 'mac_only_encrypted is not a boolean');
}

/** True when a key-type entry holds something (sops writes absent ones not at all, or as null). */
function isPresent(value: Tree | undefined): boolean {
  return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
}

function bad(file: string, detail: string): SecretsError {
  return new SecretsError('bad-metadata', { file, detail });
}

/** The block sops would write for `metadata`, keys in sops's (alphabetical) order. */
export function formatMetadata(metadata: SopsMetadata): TreeMap {
  const entries: [string, Tree][] = [
    ['age', metadata.age.map((stanza) => new Map<string, Tree>([['enc', stanza.enc], ['recipient', stanza.recipient]]))],
    [metadata.rule.field, metadata.rule.value],
    ['lastmodified', metadata.lastModified],
    ['mac', metadata.mac],
    ['version', metadata.version],
  ];
  if (metadata.macOnlyEncrypted) entries.push(['mac_only_encrypted', true]);
  return new Map(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
