// startTransitioner: the process around createTransitioner — logger, repo, deployer client, Lease, HTTP server.
import { join } from 'node:path';
import type { CascadeConfig } from '@cascade/common/config';
import { advertisedUrl, fencedRepo, LeaseElector, leaseLabels, serviceElection, transitionerLeaseName } from '@cascade/common/election';
import type { LeaseApi } from '@cascade/common/election';
import { openRepo } from '@cascade/common/git';
import { deployerClientFor } from '@cascade/common/peers';
import { createLogger, createRefreshNotifier, serve, systemClock, type InProcessPeers, type ServiceStartOptions } from '@cascade/common/service';
import { createTransitioner, type Transitioner } from './transitioner.ts';

/** A running transitioner service. */
export interface TransitionerService {
  /** Base URL of its HTTP API. */
  url: string;
  transitioner: Transitioner;
  /** Stops the loop and the server, gives up its Lease, and closes the repo. */
  stop(): Promise<void>;
}

/** Options of startTransitioner beyond the common ones. */
export interface StartTransitionerOptions extends ServiceStartOptions, InProcessPeers {
  /** The Lease API to elect with instead of the cluster `election` names (tests). */
  leaseApi?: LeaseApi;
}

/**
 * Starts the transitioner from a loaded config: opens its clone, serves its API and starts its loop. With `election`
 * configured it acts only while it holds the transitioner Lease; the others stand by.
 */
export async function startTransitioner(config: CascadeConfig, options: StartTransitionerOptions = {}): Promise<TransitionerService> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: config.log.level, format: config.log.format, clock });
  const serviceLogger = logger.child({ service: 'transitioner' });
  const election = await serviceElection(config, options.leaseApi);
  const repo = await openRepo({ url: config.repo.url, branch: config.repo.branch, dir: join(config.dataDir, 'transitioner', 'repo.git'), now: () => clock.now(), sharedReads: options.sharedReads });
  // After a promotion commit the deployer applies it at once and the aggregator's dashboard shows it at once; with
  // replicas, those are the deployer replicas holding shards and every aggregator replica.
  const peers = election === undefined
    ? [config.transitioner.deployer, config.transitioner.aggregator]
    : async () => {
      const replicas = await election.directory.replicas();
      return [...new Set([...replicas.deployerShards.filter((url): url is string => url !== undefined), ...replicas.aggregators, config.transitioner.aggregator])];
    };
  const deployerNotifier = createRefreshNotifier({ peers, logger: serviceLogger });
  const deployerClient = deployerClientFor(config.transitioner.deployer, election?.directory, {}, options.deployerStatus);
  const lease = election === undefined ? undefined : new LeaseElector({
    api: election.api, name: transitionerLeaseName(election.installation), identity: election.identity, labels: leaseLabels(election.installation, 'transitioner'),
    logger: serviceLogger, ...election.timing,
    // A replica that became active decides at once instead of at its next poll.
    onChange: (held) => void (held && transitioner.refresh()),
  });
  const transitioner = createTransitioner({ config, repo: lease === undefined ? repo : fencedRepo(repo, lease), deployerClient, clock, logger, deployerNotifier, ...(lease === undefined ? {} : { lease }) });
  let server: Awaited<ReturnType<typeof serve>>;
  try {
    server = await serve(transitioner.app, options.listen ?? config.transitioner.listen, serviceLogger);
  } catch (error) {
    // A taken port must not leave the notifier and the git process running behind a failed start.
    deployerNotifier.close();
    await repo.close();
    throw error;
  }
  // The address goes into the Lease, so the aggregator and the deployers find the active replica.
  const address = advertisedUrl(config, server.url);
  lease?.advertise(address);
  lease?.start();
  transitioner.start();
  serviceLogger.info('transitioner started', { url: server.url, ...(election === undefined ? {} : { identity: election.identity, address }) });
  return {
    url: server.url,
    transitioner,
    async stop() {
      await server.close();
      await transitioner.stop();
      await lease?.stop();
      await repo.close();
    },
  };
}
