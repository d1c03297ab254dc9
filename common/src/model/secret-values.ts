// SOPS-encrypted files in the model: how they are recognised, what is shown in place of their values, and the
// capability to open them that a renderer may be given. Holds no key material: decrypting is the caller's business.
import type { Problem } from './problem.ts';
import type { YamlValue } from './types.ts';
import { isPlainMap } from './yaml-file.ts';

/** Shown wherever an encrypted value would be (version fields, a render without keys): never the plaintext. */
export const SECRET_MARKER = '(secret)';

/** The top-level key of a SOPS file's metadata; never a version field or part of a manifest. */
export const SOPS_KEY = 'sops';

/** Problem code of a resource whose encrypted file no identity of the deployer can open. */
export const SECRET_UNDECRYPTABLE = 'secret-undecryptable';

/** A file opened by the renderer's capability: its plain documents, or why it could not be opened. */
export type OpenedFile = { ok: true; documents: readonly unknown[] } | { ok: false; code: string; message: string };

/** Decrypted files a render may use, opened beforehand (decrypting is asynchronous, rendering is not). */
export interface SecretOpener {
  /** Identifies the keys, so renders with different keys do not share cached results. */
  readonly id: string;
  /** The file at this blob, or undefined when it was not opened. */
  opened(file: { path: string; oid: string }): OpenedFile | undefined;
}

/** True for a parsed document that is SOPS-encrypted: a map with a top-level `sops` map. */
export function isSopsDocument(value: unknown): boolean {
  return isPlainMap(value) && isPlainMap(value[SOPS_KEY]);
}

// What sops writes for an encrypted value.
const ENCRYPTED_VALUE = /^ENC\[AES256_GCM,/;

/** A document without its `sops` block and with every encrypted value replaced by SECRET_MARKER; `paths` names them. */
export function maskEncrypted(value: YamlValue): { value: YamlValue; paths: string[] } {
  const paths: string[] = [];
  const mask = (node: YamlValue, path: string): YamlValue => {
    if (typeof node === 'string') {
      if (!ENCRYPTED_VALUE.test(node)) return node;
      paths.push(path);
      return SECRET_MARKER;
    }
    if (Array.isArray(node)) return node.map((item, index) => mask(item, `${path}[${index}]`));
    if (isPlainMap(node)) return Object.fromEntries(Object.entries(node).filter(([key]) => path !== '' || key !== SOPS_KEY).map(([key, item]) => [key, mask(item, path === '' ? key : `${path}.${key}`)]));
    return node;
  };
  return { value: mask(value, ''), paths };
}

/** A decrypted value as a manifest value: ints beyond Number's range become their decimal text. */
export function plainValue(value: unknown): YamlValue {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(plainValue);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plainValue(item)]));
  return value as YamlValue;
}

/** The problem of a file the opener could not open (or was not asked to open). */
export function openProblem(file: string, opened: OpenedFile | undefined): Problem {
  if (opened === undefined) return { file, severity: 'error', code: SECRET_UNDECRYPTABLE, message: 'cannot decrypt: the file was not opened with the deployer\'s age identities' };
  if (opened.ok) throw new Error('openProblem called for a file that opened');
  return { file, severity: 'error', code: opened.code, message: opened.message };
}
