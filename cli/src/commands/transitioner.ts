// `cascade transitioner --config FILE`: runs the transitioner service until SIGINT or SIGTERM.
import type { CommandResult } from '../main.ts';
import type { Io } from '../output.ts';
import { loadServiceConfig, untilSignal } from '../service-config.ts';

/** Starts the service and resolves with exit code 0 once a signal has stopped it cleanly. */
export async function runTransitioner(configPath: string, io: Io): Promise<CommandResult> {
  const config = await loadServiceConfig(configPath, io);
  // Loaded on use: client commands must not pay for starting the services' libraries.
  const [{ startTransitioner }, { createLogger }] = await Promise.all([import('@cascade/transitioner'), import('@cascade/common/service')]);
  const service = await startTransitioner(config, { logger: createLogger({ level: config.log.level, format: config.log.format }) });
  io.err(`transitioner listening on ${service.url}`);
  const signal = await untilSignal();
  io.err(`${signal}: stopping the transitioner`);
  await service.stop();
  return { exitCode: 0 };
}
