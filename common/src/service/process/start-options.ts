// What every service's start function accepts beyond its config, so `cascade up`, tests and benchmarks start all three alike.
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger/logger.ts';
import type { SharedReads } from '../../repo/shared-reads.ts';
import type { DeployerStatus } from '../../status/deployer.ts';

/** Options shared by startDeployer, startTransitioner and startAggregator. */
export interface ServiceStartOptions {
  /** Time source; default the system clock. Tests pass a ManualClock. */
  clock?: Clock;
  /** Logger; default one built from the config's `log` section. */
  logger?: Logger;
  /** Listen address overriding the service's own `listen`, e.g. `127.0.0.1:0` in tests. */
  listen?: string;
  /** What the services started in this process read of the repo, held once for all (`cascade up`); default none. */
  sharedReads?: SharedReads;
}

/** What the transitioner and the aggregator accept when the deployer runs in the same process (`cascade up`). */
export interface InProcessPeers {
  /**
   * The deployer's status, read from it directly rather than over its `/status`; default: over HTTP. Not used with
   * `election`, where the deployers asked are the replicas holding shards.
   */
  deployerStatus?: () => DeployerStatus;
}
