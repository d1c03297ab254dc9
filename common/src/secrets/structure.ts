// Checking a SOPS file without any key: the metadata, the MAC's presence and the shape of every encrypted value.
import { compileEncryptionRule } from './encryption-rule.ts';
import { SecretsError } from './errors.ts';
import { parseMetadata, SOPS_KEY } from './metadata.ts';
import { goRfc3339 } from './tree-cipher.ts';
import { parseEncryptedValue } from './value-cipher.ts';
import { isTreeMap, parseYamlDocuments } from './yaml-tree.ts';
import type { Tree } from './yaml-tree.ts';

/** Where one encrypted value sits: its document and its path of map keys and list positions. */
export interface EncryptedLeaf {
  document: number;
  path: Array<string | number>;
}

/** What the structure check learns of a file without decrypting it. */
export interface SopsStructure {
  /** The age recipients whose identity decrypts the file. */
  recipients: string[];
  /** Every value that is encrypted (empty strings, which sops leaves as they are, excluded). */
  encryptedLeaves: EncryptedLeaf[];
}

/**
 * Checks what can be checked without an identity: YAML, the `sops` block, age recipients, a MAC that is present and
 * well-formed, and an `ENC[…]` value wherever the file's rule says one belongs. Throws the SecretsError decryption would.
 */
export function checkSopsYaml(text: string, file: string): SopsStructure {
  const parsed = parseYamlDocuments(text, file);
  const block = parsed[0]?.get(SOPS_KEY);
  if (block === undefined) throw new SecretsError('not-encrypted', { file });
  const metadata = parseMetadata(block, file);
  if (metadata.age.length === 0) throw new SecretsError('no-matching-identity', { file, recipients: [], detail: 'the file is encrypted to no age recipient' });
  goRfc3339(metadata.lastModified, file);
  if (metadata.mac === '') throw new SecretsError('mac-missing', { file });
  if (parseEncryptedValue(metadata.mac) === undefined) throw new SecretsError('bad-metadata', { file, detail: 'the mac is not an ENC[AES256_GCM,…] value' });
  const isEncrypted = compileEncryptionRule(metadata.rule, file);
  const encryptedLeaves: EncryptedLeaf[] = [];
  parsed.forEach((document, index) => {
    for (const [key, value] of document) {
      if (key !== SOPS_KEY) visit(value, [key], [key], (leaf, keys, path) => {
        if (!isEncrypted(keys) || leaf === null) return;
        const where = { file, path: keys.join('.') };
        if (typeof leaf !== 'string') throw new SecretsError('bad-value', { ...where, detail: 'a plain value where an encrypted one belongs' });
        if (leaf === '') return;
        if (parseEncryptedValue(leaf) === undefined) throw new SecretsError('bad-value', { ...where, detail: 'not an ENC[AES256_GCM,…] value' });
        encryptedLeaves.push({ document: index, path });
      });
    }
  });
  return { recipients: metadata.age.map((stanza) => stanza.recipient), encryptedLeaves };
}

/** Calls `onLeaf` for every scalar with its map-key path (what sops's rules see) and its full path. */
function visit(tree: Tree, keys: string[], path: Array<string | number>, onLeaf: (leaf: Tree, keys: string[], path: Array<string | number>) => void): void {
  if (isTreeMap(tree)) for (const [key, value] of tree) visit(value, [...keys, key], [...path, key], onLeaf);
  else if (Array.isArray(tree)) tree.forEach((item, index) => visit(item, keys, [...path, index], onLeaf));
  else onLeaf(tree, keys, path);
}
