// What every service command shares: loading cascade.yaml with readable errors, the deployer's keyring, and running until a signal.
import { ConfigError, formatConfigProblem, loadConfig, type CascadeConfig } from '@cascade/common/config';
import type { SecretsKeyring } from '@cascade/common/secrets';
import type { CrashOutput } from './crash-output.ts';
import { CliError } from './errors.ts';
import type { Io } from './output.ts';

/** Loads the config, printing every problem as file:line:col before failing. */
export async function loadServiceConfig(file: string, io: Io): Promise<CascadeConfig> {
  try {
    return await loadConfig(file);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) io.err(formatConfigProblem(problem));
      throw new CliError(`${file}: the configuration is not valid`, 'Fix the problems listed above.', 'config-invalid', 1);
    }
    throw error;
  }
}

/**
 * The deployer's keyring (secrets.ageIdentityFile), opened before the deployer starts so that whatever it decrypts is
 * cut out of the process's crash and error reports as well as its logs.
 */
export async function scrubbingKeyring(config: CascadeConfig, crash: CrashOutput): Promise<SecretsKeyring> {
  // Loaded on use: client commands must not pay for starting the services' libraries.
  const { keyringFromConfig } = await import('@cascade/deployer');
  const keyring = await keyringFromConfig(config);
  crash.scrubWith(keyring);
  return keyring;
}

/** How long after the first signal further ones count as the same Ctrl-C (a terminal signals every process of the group, and wrappers relay it again). */
const DUPLICATE_SIGNAL_MS = 2000;

/**
 * Resolves with the first SIGINT or SIGTERM, so a service command can stop cleanly. Signals that follow
 * within two seconds are the same request arriving twice and are ignored; a later one forces the exit.
 */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let first: number | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      if (first === undefined) {
        first = Date.now();
        resolve(signal);
      } else if (Date.now() - first > DUPLICATE_SIGNAL_MS) {
        process.stderr.write(`${signal} again: exiting without finishing the shutdown\n`);
        process.exit(130);
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
