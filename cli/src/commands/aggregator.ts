// `cascade aggregator --config FILE`: run the aggregator until SIGINT or SIGTERM.
import type { CommandResult } from '../main.ts';
import type { Io } from '../output.ts';
import { loadServiceConfig, untilSignal } from '../service-config.ts';

/** Starts the aggregator and resolves with exit code 0 once a signal has stopped it. */
export async function runAggregator(file: string, io: Io): Promise<CommandResult> {
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
