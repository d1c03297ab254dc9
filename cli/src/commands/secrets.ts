// `cascade secrets keygen`: make an age identity for the deployer and the recipient to put in .sops.yaml.
import { writeFile } from 'node:fs/promises';
import type { CAC } from 'cac';
import { CliError } from '../errors.ts';
import type { CommandResult } from '../main.ts';
import { outputFormat, printJson, type Io } from '../output.ts';

/** Registers the secrets command. */
export function registerSecrets(cli: CAC, io: Io, done: (result: Promise<CommandResult>) => void, now: () => Date = () => new Date()): void {
  cli
    .command('secrets <action>', 'keygen: make an age identity (written 0600 with --file) and print its recipient')
    .option('--file <path>', 'Write the identity file here (mode 0600, never overwritten) instead of to stdout')
    .option('-o, --output <format>', 'text or json (json needs --file: it prints only the recipient and the path)', { default: 'text' })
    .example('cascade secrets keygen --file /etc/cascade/age.key')
    .action((action: string, options: { file?: string; output: string }) => done(secrets(io, String(action), options, now())));
}

async function secrets(io: Io, action: string, options: { file?: string; output: string }, now: Date): Promise<CommandResult> {
  if (action !== 'keygen') throw new CliError(`secrets ${action}: unknown action`, 'Use cascade secrets keygen.', 'bad-argument', 2);
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
