// `cascade transitioner --config FILE`: runs the transitioner service until SIGINT or SIGTERM.
import type { CAC } from 'cac';
import type { CommandResult } from '../main.ts';
import type { Io } from '../output.ts';
import { loadServiceConfig, untilSignal } from '../service-config.ts';

/** Registers the transitioner command. */
export function registerTransitioner(cli: CAC, io: Io, done: (result: Promise<CommandResult>) => void): void {
  cli
    .command('transitioner', 'Run the transitioner: promote versions between environments as transitions.yaml says')
    .option('--config <file>', 'The cascade.yaml to read (its repo, transitioner and aggregator.tokens sections)', { default: 'cascade.yaml' })
    .example('cascade transitioner --config cascade.yaml')
    .action((options: { config: string }) => done(runUntilSignal(options.config, io)));
}

/** Starts the service and resolves with exit code 0 once a signal has stopped it cleanly. */
async function runUntilSignal(configPath: string, io: Io): Promise<CommandResult> {
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
