// Reading the deployer's age identity files: refused unless only their owner can read them, contents never repeated.
import { open } from 'node:fs/promises';
import { parseAgeIdentities } from './age-keys.ts';
import type { AgeIdentity } from './age-keys.ts';
import { SecretsError } from './errors.ts';

// An identity file holds a few keys and comments; anything far larger is not one.
const MAX_IDENTITY_FILE_BYTES = 64 * 1024;

/** Reads every identity of every file, in order; throws a SecretsError naming the file (never its content). */
export async function loadAgeIdentityFiles(files: readonly string[]): Promise<AgeIdentity[]> {
  const identities: AgeIdentity[] = [];
  for (const file of files) identities.push(...(await loadAgeIdentityFile(file)));
  return identities;
}

/** Reads one identity file after checking it is a regular file that only its owner can read. */
export async function loadAgeIdentityFile(file: string): Promise<AgeIdentity[]> {
  let text: string;
  try {
    // The checks run on the open handle, so the file checked is the file read.
    const handle = await open(file, 'r');
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new SecretsError('identity-file-unreadable', { file, detail: 'not a regular file' });
      // ssh's rule for private keys: no permission bits for group or others (Windows has no such bits).
      if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
        throw new SecretsError('identity-file-permissions', { file, detail: `mode ${(info.mode & 0o777).toString(8).padStart(4, '0')}` });
      }
      if (info.size > MAX_IDENTITY_FILE_BYTES) throw new SecretsError('identity-file-unreadable', { file, detail: `larger than ${MAX_IDENTITY_FILE_BYTES} bytes` });
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof SecretsError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new SecretsError('identity-file-unreadable', { file, detail: code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : (code ?? 'read failed') });
  }
  return parseAgeIdentities(text, file);
}
