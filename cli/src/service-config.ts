// What every service command shares: loading cascade.yaml with readable errors, and running until a signal.
import { ConfigError, formatConfigProblem, loadConfig, type CascadeConfig } from '@cascade/common/config';
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

/** Resolves with the first SIGINT or SIGTERM, so a service command can stop cleanly. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
