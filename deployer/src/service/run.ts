// Runs the deployer as a process: config, repo cache, targets, the loop and the HTTP server, stopped cleanly on SIGTERM.
import { join } from 'node:path';
import type { CascadeConfig } from '@cascade/common/config';
import { openRepo } from '@cascade/common/git';
import type { GitRepo } from '@cascade/common/git';
import type { SecretsKeyring } from '@cascade/common/secrets';
import type { ServiceStartOptions } from '@cascade/common/service';
import { advertisedUrl, serviceElection, ShardSet } from '@cascade/common/election';
import type { LeaseApi } from '@cascade/common/election';
import { MetricsRegistry, createLogger, createRefreshNotifier, serve, systemClock } from '@cascade/common/service';
import { ScriptLogStore } from '../scripts/log-store.ts';
import { scriptStagingDrivers } from '../stagings/script-drivers.ts';
import { keyringFromConfig } from '../secrets/keyring.ts';
import { scrubbingLogger } from '../secrets/scrubbing-logger.ts';
import type { Deployer } from './deployer.ts';
import { createDeployer } from './deployer.ts';
import { createDeployerMetrics } from './metrics.ts';
import { buildTargets } from './targets.ts';

/** A deployer serving on a socket. */
export interface RunningDeployer {
  deployer: Deployer;
  /** Base URL of the API, e.g. `http://127.0.0.1:7401`. */
  url: string;
  /** Stops the loop, the server and the git cache. */
  stop(): Promise<void>;
}

/** Options for tests and `cascade up`, which run the deployer inside another process. */
export interface StartDeployerOptions extends ServiceStartOptions {
  /** The keyring of `secrets.ageIdentityFile` (keyringFromConfig), when the caller scrubs its own output with it too. */
  keyring?: SecretsKeyring;
  /** The Lease API to elect with instead of the cluster `election` names (tests). */
  leaseApi?: LeaseApi;
}

/** Starts the deployer from a loaded config. */
export async function startDeployer(config: CascadeConfig, options: StartDeployerOptions = {}): Promise<RunningDeployer> {
  const clock = options.clock ?? systemClock;
  // The identities are read first: an unsafe or missing identity file stops the start, naming the file.
  const keyring = options.keyring ?? (await keyringFromConfig(config));
  const logger = scrubbingLogger((options.logger ?? createLogger({ level: config.log.level, format: config.log.format, clock })).child({ service: 'deployer' }), keyring);
  const metrics = new MetricsRegistry({ processMetrics: true });
  const deployerMetrics = createDeployerMetrics(metrics);
  const logs = new ScriptLogStore();
  const repo: GitRepo = await openRepo({ url: config.repo.url, branch: config.repo.branch, dir: join(config.dataDir, 'deployer', 'repo.git'), now: () => clock.now(), sharedReads: options.sharedReads });
  // Script work ends behind the pass that started it; a new pass publishes what it changed (and tells the peers).
  // A change a Kubernetes target's watch reports is looked at in that environment alone.
  let publish = (): void => {};
  let observe = (_env: string, _why: string): void => {};
  const targets = buildTargets(config, { clock, logger, logs, metrics: deployerMetrics, onScriptChange: () => publish(), onLiveChange: (env, why) => observe(env, why) });
  const stagingDrivers = scriptStagingDrivers(targets, { dataDir: config.dataDir, onChange: () => publish() });
  // With `election`, replicas split the environments and stagings by shard; each acts only for the shards it holds.
  const election = await serviceElection(config, options.leaseApi);
  const shards = election === undefined ? undefined : new ShardSet({
    api: election.api, installation: election.installation, identity: election.identity, shards: election.shards, logger, ...election.timing,
    // A shard gained is deployed at once; one lost is dropped from the status and the watches.
    onChange: () => publish(),
  });
  const notifier = election === undefined ? undefined : createRefreshNotifier({
    logger,
    changed: 'status',
    peers: async () => {
      const replicas = await election.directory.replicas();
      return [...new Set([...(replicas.transitioner === undefined ? [] : [replicas.transitioner]), ...replicas.aggregators, config.deployer.aggregator])];
    },
  });
  const deployer = createDeployer({ config, repo, targets, clock, logger, metrics, deployerMetrics, logs, keyring, stagingDrivers, ...(shards === undefined ? {} : { sharding: shards }), ...(notifier === undefined ? {} : { notifier }) });
  publish = () => void deployer.refresh();
  observe = (env, why) => deployer.liveChanged(env, why);
  const closeTargets = () => Promise.all([...targets.values()].map((target) => target.close?.()));
  let server: Awaited<ReturnType<typeof serve>>;
  try {
    server = await serve(deployer.app, options.listen ?? config.deployer.listen, logger);
  } catch (error) {
    // A taken port must not leave the loop, scripts and the git process running behind a failed start.
    await deployer.stop();
    await closeTargets();
    await repo.close();
    throw error;
  }
  shards?.advertise(advertisedUrl(config, server.url));
  shards?.start();
  return {
    deployer,
    url: server.url,
    async stop() {
      // No write after this; the Leases are handed over once the pass under way has ended, so nothing overlaps.
      shards?.pause();
      await deployer.stop();
      await shards?.stop();
      await closeTargets();
      await server.close();
      await repo.close();
    },
  };
}
