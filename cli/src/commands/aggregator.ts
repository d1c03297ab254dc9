// `cascade aggregator --config FILE`: run the aggregator until SIGINT or SIGTERM.
import type { CAC } from 'cac';
import type { CommandResult } from '../main.ts';
import type { Io } from '../output.ts';
import { loadServiceConfig, untilSignal } from '../service-config.ts';

/** Registers the aggregator command. */
export function registerAggregator(cli: CAC, io: Io, done: (result: Promise<CommandResult>) => void): void {
  cli
    .command('aggregator', 'Run the aggregator: the API for CI and people, the live status and the UI')
    .option('--config <file>', 'cascade.yaml', { default: 'cascade.yaml' })
    .example('cascade aggregator --config cascade.yaml')
    .action((options: { config: string }) => done(runAggregator(io, String(options.config))));
}

async function runAggregator(io: Io, file: string): Promise<CommandResult> {
  const config = await loadServiceConfig(file, io);
  // Loaded on use: client commands must not pay for starting the services' libraries.
  const [{ startAggregator }, { createLogger }] = await Promise.all([import('@cascade/aggregator'), import('@cascade/common/service')]);
  const logger = createLogger({ level: config.log.level, format: config.log.format });
  const running = await startAggregator(config, { logger });
  io.err(`aggregator listening on ${running.url}`);
  logger.info('stopping', { signal: await untilSignal() });
  await running.stop();
  return { exitCode: 0 };
}
