// startTransitioner: the process around createTransitioner — logger, repo, deployer client, HTTP server.
import { join } from 'node:path';
import type { CascadeConfig } from '@cascade/common/config';
import { openRepo } from '@cascade/common/git';
import { createDeployerClient } from '@cascade/common/peers';
import { createLogger, createRefreshNotifier, serve, systemClock, type ServiceStartOptions } from '@cascade/common/service';
import { createTransitioner, type Transitioner } from './transitioner.ts';

/** A running transitioner service. */
export interface TransitionerService {
  /** Base URL of its HTTP API. */
  url: string;
  transitioner: Transitioner;
  /** Stops the loop and the server, and closes the repo. */
  stop(): Promise<void>;
}

/** Starts the transitioner from a loaded config: opens its clone, serves its API and starts its loop. */
export async function startTransitioner(config: CascadeConfig, options: ServiceStartOptions = {}): Promise<TransitionerService> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: config.log.level, format: config.log.format, clock });
  const repo = await openRepo({ url: config.repo.url, branch: config.repo.branch, dir: join(config.dataDir, 'transitioner', 'repo.git'), now: () => clock.now() });
  // After a promotion commit the deployer applies it at once and the aggregator's dashboard shows it at once.
  const deployerNotifier = createRefreshNotifier({ peers: [config.transitioner.deployer, config.transitioner.aggregator], logger: logger.child({ service: 'transitioner' }) });
  const transitioner = createTransitioner({ config, repo, deployerClient: createDeployerClient(config.transitioner.deployer), clock, logger, deployerNotifier });
  let server: Awaited<ReturnType<typeof serve>>;
  try {
    server = await serve(transitioner.app, options.listen ?? config.transitioner.listen, logger.child({ service: 'transitioner' }));
  } catch (error) {
    // A taken port must not leave the notifier and the git process running behind a failed start.
    deployerNotifier.close();
    await repo.close();
    throw error;
  }
  transitioner.start();
  return {
    url: server.url,
    transitioner,
    async stop() {
      await server.close();
      await transitioner.stop();
      await repo.close();
    },
  };
}
