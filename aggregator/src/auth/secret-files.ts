// Reading the session key and the OIDC client secret at start: from files only the service user can read.
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { hashToken, type TokenEntry } from '@cascade/common/service';

/** A secret file Cascade will not use, with what to change. */
export class SecretFileError extends Error {
  override readonly name = 'SecretFileError';
  constructor(
    /** `unreadable`, `too-open` (group or others may read it), `too-short`, `empty` or `not-delegate` (no such token may delegate). */
    readonly code: 'unreadable' | 'too-open' | 'too-short' | 'empty' | 'not-delegate',
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

/** The bytes a session key needs: HMAC-SHA256 gains nothing from more, and is weak with less. */
export const MIN_SESSION_KEY_BYTES = 32;

/** The session signing key: the file's content (trimmed of a final newline), or 32 random bytes when there is no file. */
export async function loadSessionKey(file: string | undefined): Promise<{ key: Uint8Array; fromFile: boolean }> {
  if (file === undefined) return { key: randomBytes(MIN_SESSION_KEY_BYTES), fromFile: false };
  const key = await readSecretFile(file, 'aggregator.auth.sessionKeyFile');
  if (key.byteLength < MIN_SESSION_KEY_BYTES) {
    throw new SecretFileError('too-short', file, `aggregator.auth.sessionKeyFile ${file}: the key must be at least ${MIN_SESSION_KEY_BYTES} bytes (e.g. openssl rand -base64 48 > ${file})`);
  }
  return { key, fromFile: true };
}

/** The OIDC client secret from `clientSecretFile`, as text without surrounding whitespace. */
export async function loadClientSecret(file: string): Promise<string> {
  const secret = Buffer.from(await readSecretFile(file, 'aggregator.auth.oidc.clientSecretFile')).toString('utf8').trim();
  if (secret === '') throw new SecretFileError('empty', file, `aggregator.auth.oidc.clientSecretFile ${file}: the file is empty`);
  return secret;
}

/** The aggregator's own token from `peerTokenFile`; it must be one of `tokens` marked `delegate: true`. */
export async function loadPeerToken(file: string, tokens: readonly TokenEntry[]): Promise<string> {
  const token = Buffer.from(await readSecretFile(file, 'aggregator.auth.peerTokenFile')).toString('utf8').trim();
  const entry = tokens.find((t) => t.sha256.toLowerCase() === hashToken(token));
  if (entry?.delegate !== true) {
    throw new SecretFileError('not-delegate', file, `aggregator.auth.peerTokenFile ${file}: its token must be listed in aggregator.tokens with delegate: true (cascade token hash < ${file})`);
  }
  return token;
}

/** Reads a file that must not be readable by its group or others (like ssh with a private key); errors name the file, never its content. */
async function readSecretFile(file: string, key: string): Promise<Uint8Array> {
  let content: Buffer;
  try {
    const info = await stat(file);
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      throw new SecretFileError('too-open', file, `${key} ${file}: its group or others may read it; allow only the service user (chmod 600, or defaultMode: 0400 on a Kubernetes Secret volume)`);
    }
    content = await readFile(file);
  } catch (error) {
    if (error instanceof SecretFileError) throw error;
    throw new SecretFileError('unreadable', file, `${key} ${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  // A key written with `echo` or an editor ends in a newline nobody meant as part of it.
  const end = content.length > 0 && content[content.length - 1] === 0x0a ? (content[content.length - 2] === 0x0d ? content.length - 2 : content.length - 1) : content.length;
  return new Uint8Array(content.subarray(0, end));
}
