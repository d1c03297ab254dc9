// `cascade secrets keygen|encrypt|rotate`: make an age identity, encrypt a file to its .sops.yaml recipients, re-wrap a
// working copy's SOPS files to the current recipients.
import { writeFile } from 'node:fs/promises';
import type { CAC } from 'cac';
import { rawOptionValues } from '../client/argv.ts';
import { CliError } from '../errors.ts';
import type { CommandResult } from '../main.ts';
import { outputFormat, printJson, type Io } from '../output.ts';

/** Options of the secrets command. */
export interface SecretsOptions {
  file?: string;
  dir?: string;
  output: string;
  /** `--no-commit` sets it false. */
  commit?: boolean;
}

/** Runs one secrets action; `now` stamps what it encrypts. */
export async function secrets(cli: CAC, io: Io, action: string, file: string | undefined, options: SecretsOptions, now: Date): Promise<CommandResult> {
  if (action === 'encrypt') return encrypt(io, file, options, now);
  if (action === 'rotate') return rotate(io, rawOptionValues(cli, 'age-identity'), options);
  if (action !== 'keygen') throw new CliError(`secrets ${action}: unknown action`, 'Use cascade secrets keygen, encrypt FILE or rotate.', 'bad-argument', 2);
  return keygen(io, options, now);
}

async function encrypt(io: Io, file: string | undefined, options: SecretsOptions, now: Date): Promise<CommandResult> {
  if (file === undefined) throw new CliError('secrets encrypt needs a FILE', 'Example: cascade secrets encrypt prod/deployable/api.secret.yaml', 'bad-argument', 2);
  const format = outputFormat(options.output);
  // Loaded here, not at start: every other command would pay for age's cryptography.
  const { encryptFileInPlace, secretsCliError } = await import('./secrets-files.ts');
  const { recipients } = await encryptFileInPlace(file, now).catch((error: unknown) => Promise.reject(secretsCliError(error)));
  if (format === 'json') printJson(io, { file, recipients });
  else io.out(`encrypted ${file} to ${recipients.join(', ')}`);
  return { exitCode: 0 };
}

async function rotate(io: Io, identityFiles: string[], options: SecretsOptions): Promise<CommandResult> {
  if (identityFiles.length === 0) throw new CliError('secrets rotate needs --age-identity FILE', 'Opening each data key takes an identity that can decrypt the files now.', 'bad-argument', 2);
  const format = outputFormat(options.output);
  const { commitRotation, rotateWorkingCopy, secretsCliError } = await import('./secrets-files.ts');
  const root = options.dir ?? process.cwd();
  const result = await rotateWorkingCopy(root, identityFiles).catch((error: unknown) => Promise.reject(secretsCliError(error)));
  // One commit for the whole rotation, so the history shows it as one step and a revert undoes it whole.
  const files = result.changed.map((c) => c.file);
  const commit = options.commit === false ? undefined : await commitRotation(root, files).catch((error: unknown) => {
    throw new CliError(`the files are re-encrypted, but committing them failed: ${(error as Error).message}`, 'Commit them yourself (git add and git commit), or run with --no-commit.', 'git-failed', 1);
  });
  if (format === 'json') printJson(io, { ...result, ...(commit === undefined ? {} : { commit }) });
  else {
    for (const { file, added, removed } of result.changed) io.out(`${file}: ${[...added.map((r) => `+${r}`), ...removed.map((r) => `-${r}`)].join(' ')}`);
    const next = commit !== undefined ? `; committed as ${commit.slice(0, 12)}` : result.changed.length > 0 ? '; review with git diff and commit them together' : '';
    io.err(`${result.changed.length} of ${result.checked} SOPS files re-encrypted to their .sops.yaml recipients${next}`);
  }
  return { exitCode: 0 };
}

async function keygen(io: Io, options: SecretsOptions, now: Date): Promise<CommandResult> {
  // Loaded here, not at start: every other command would pay for age's cryptography.
  const { generateAgeIdentity } = await import('@cascade/common/secrets');
  const format = outputFormat(options.output);
  const { identityFile, recipient } = await generateAgeIdentity(now);
  if (options.file === undefined) {
    if (format === 'json') throw new CliError('-o json needs --file', 'The identity is private: write it to a file with --file.', 'bad-argument', 2);
    // Like age-keygen: the identity on stdout (for a redirect), the recipient on stderr.
    io.out(identityFile);
    io.err(`Public key (the recipient for .sops.yaml): ${recipient}`);
    return { exitCode: 0 };
  }
  try {
    // `wx`: an existing identity is never replaced, since files encrypted to it would become unreadable.
    await writeFile(options.file, identityFile, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    const exists = (error as NodeJS.ErrnoException).code === 'EEXIST';
    throw new CliError(`--file ${options.file}: ${exists ? 'the file exists' : (error as Error).message}`, exists ? 'Choose another path or remove the old identity first.' : undefined, 'bad-argument', exists ? 2 : 1);
  }
  if (format === 'json') printJson(io, { recipient, identityFile: options.file });
  else {
    io.out(recipient);
    io.err(`Wrote the identity to ${options.file} (mode 0600). Give the deployer that file; put the recipient above in .sops.yaml.`);
  }
  return { exitCode: 0 };
}
