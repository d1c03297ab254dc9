// `cascade aggregator --config FILE`: run the aggregator until SIGINT or SIGTERM.
import type { CAC } from 'cac';
import { startAggregator } from '@cascade/aggregator';
import { ConfigError, formatConfigProblem, loadConfig } from '@cascade/common/config';
import { createLogger } from '@cascade/common/service';
import { CliError } from '../errors.ts';
import type { CommandResult } from '../main.ts';
import type { Io } from '../output.ts';

/** Registers the aggregator command. */
export function registerAggregator(cli: CAC, io: Io, done: (result: Promise<CommandResult>) => void): void {
  cli
    .command('aggregator', 'Run the aggregator: the API for CI and people, the live status and the UI')
    .option('--config <file>', 'cascade.yaml', { default: 'cascade.yaml' })
    .example('cascade aggregator --config cascade.yaml')
    .action((options: { config: string }) => done(runAggregator(io, String(options.config))));
}

async function runAggregator(io: Io, file: string): Promise<CommandResult> {
  let config;
  try {
    config = await loadConfig(file);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) io.err(formatConfigProblem(problem));
      throw new CliError(`${file}: the configuration is not valid`, 'Fix the problems listed above.', 'config-invalid', 1);
    }
    throw error;
  }
  const logger = createLogger({ level: config.log.level, format: config.log.format });
  const running = await startAggregator(config, { logger });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  logger.info('stopping');
  await running.stop();
  return { exitCode: 0 };
}
