// `--age-identity FILE` of render and validate: the identity files read into a keyring, refused when others can read them.
import type { SnapshotWithFiles } from '@cascade/common';
import { secretFiles } from '@cascade/common';
import type { SecretsKeyring } from '@cascade/common/secrets';
import type { CrashOutput } from './crash-output.ts';
import { CliError } from './errors.ts';

/** The files of a repeatable `--age-identity` option (cac gives a string, or an array when it is repeated). */
export function identityFiles(option: string | string[] | undefined): string[] {
  if (option === undefined) return [];
  return (Array.isArray(option) ? option : [option]).map(String);
}

/** A keyring holding every identity of `files`, with every encrypted file of the snapshot's environments opened; it scrubs `crash`'s reports. */
export async function openKeyring(files: readonly string[], snapshot: SnapshotWithFiles, envs: readonly string[], crash: Pick<CrashOutput, 'scrubWith'>): Promise<SecretsKeyring> {
  const { SecretsError, SecretsKeyring } = await import('@cascade/common/secrets');
  let keyring: SecretsKeyring;
  try {
    keyring = await SecretsKeyring.fromFiles(files);
  } catch (error) {
    if (error instanceof SecretsError) throw new CliError(error.message, 'Give an age identity file (as age-keygen or cascade secrets keygen write it) that only you can read (chmod 600).', error.code, 1);
    throw error;
  }
  crash.scrubWith(keyring);
  for (const env of envs) await keyring.open(secretFiles(snapshot, env));
  return keyring;
}
