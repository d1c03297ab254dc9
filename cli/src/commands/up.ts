// `cascade up`: the deployer, the transitioner and the aggregator in one process, for small installations.
import type { Logger } from '@cascade/common/service';
import type { CascadeConfig } from '@cascade/common/config';
import type { SecretsKeyring } from '@cascade/common/secrets';
import type { CrashOutput } from '../crash-output.ts';
import { loadServiceConfig, scrubbingKeyring, untilSignal } from '../service-config.ts';
import type { Io } from '../output.ts';
import type { CommandResult } from '../main.ts';

/** A started service: its name, where it listens, and how to stop it. */
export interface StartedService {
  name: string;
  url: string;
  stop(): Promise<void>;
}

/** Starts all three services, waits for a signal, stops them in reverse order. */
export async function runUp(file: string, io: Io, crash: CrashOutput): Promise<CommandResult> {
  const config = await loadServiceConfig(file, io);
  const { createLogger } = await import('@cascade/common/service');
  const logger = createLogger({ level: config.log.level, format: config.log.format });
  const services = await startAll(config, logger, { keyring: await scrubbingKeyring(config, crash) });
  for (const service of services) io.err(`${service.name.padEnd(12)} ${service.url}`);
  io.err(`${await untilSignal()}: stopping`);
  await stopAll(services);
  return { exitCode: 0 };
}

/** Starts the deployer (with `keyring`, when the caller opened it), then the transitioner (which asks the deployer), then the aggregator (which asks both). */
export async function startAll(config: CascadeConfig, logger: Logger, options: { keyring?: SecretsKeyring } = {}): Promise<StartedService[]> {
  const started: StartedService[] = [];
  // Loaded on use: client commands must not pay for starting the services' libraries.
  const [{ startDeployer }, { startTransitioner }, { startAggregator }, { SharedReads }] = await Promise.all([
    import('@cascade/deployer'), import('@cascade/transitioner'), import('@cascade/aggregator'), import('@cascade/common'),
  ]);
  // The three read the same commits of the same repo: each blob, tree and parsed file is held once, not three times.
  const sharedReads = new SharedReads();
  try {
    const deployer = await startDeployer(config, { logger, sharedReads, ...options });
    started.push({ name: 'deployer', url: deployer.url, stop: () => deployer.stop() });
    // The transitioner and the aggregator read the deployer's status objects, not a parsed copy each of its /status.
    const deployerStatus = () => deployer.deployer.status();
    const transitioner = await startTransitioner(config, { logger, sharedReads, deployerStatus });
    started.push({ name: 'transitioner', url: transitioner.url, stop: () => transitioner.stop() });
    const aggregator = await startAggregator(config, { logger, sharedReads, deployerStatus });
    started.push({ name: 'aggregator', url: aggregator.url, stop: () => aggregator.stop() });
    return started;
  } catch (error) {
    await stopAll(started);
    throw error;
  }
}

/** Stops services in reverse start order; one failing stop does not keep the others running. */
export async function stopAll(services: StartedService[]): Promise<void> {
  for (const service of [...services].reverse()) {
    await service.stop().catch(() => undefined);
  }
}
