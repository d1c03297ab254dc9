// Programmatic entry to the local control plane, used by the cluster:* scripts and the integration-test global setup.
import { existsSync } from 'node:fs';
import { COMPONENTS, binaryPath } from './lib/components.ts';
import { binCacheDir, clusterRunDir } from './lib/paths.ts';
import { ensureComponentsBuilt } from './lib/go-build.ts';
import type { Log } from './lib/go-build.ts';
import { startCluster, stopCluster } from './lib/lifecycle.ts';
import { acquireLease, leaseHolders, releaseLease } from './lib/leases.ts';
import type { StartedCluster } from './lib/lifecycle.ts';

export type { Log } from './lib/go-build.ts';
export type { StartedCluster } from './lib/lifecycle.ts';
export { ClusterError } from './lib/errors.ts';
export { KUBERNETES_VERSION, ETCD_VERSION, KWOK_VERSION } from './lib/components.ts';
export { binCacheDir, clusterRunDir } from './lib/paths.ts';
export { freePorts } from './lib/ports.ts';

/** Node count from CASCADE_CLUSTER_NODES (default 1). */
function nodeCount(): number {
  const value = Number(process.env.CASCADE_CLUSTER_NODES ?? '1');
  return Number.isInteger(value) && value > 0 ? value : 1;
}

/** The controllers' request rate from CASCADE_CLUSTER_CONTROLLER_QPS; client-go's default when unset. */
function controllerQps(): number | undefined {
  const value = Number(process.env.CASCADE_CLUSTER_CONTROLLER_QPS);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Builds any component missing from the binary cache. */
export function buildLocalCluster(log: Log): Promise<void> {
  return ensureComponentsBuilt(binCacheDir(), log);
}

/** Starts the local cluster (building first if needed) or reuses the running one. */
export function startLocalCluster(log: Log): Promise<StartedCluster> {
  const qps = controllerQps();
  return startCluster({ binDir: binCacheDir(), runDir: clusterRunDir(), log, nodeCount: nodeCount(), ...(qps === undefined ? {} : { controllerQps: qps }) });
}

/** Stops the local cluster; resolves false when none was running. */
export function stopLocalCluster(log: Log): Promise<boolean> {
  return stopCluster({ runDir: clusterRunDir(), log });
}

/** Path of the cached kubectl built with the cluster, or undefined when it has not been built. */
export function localKubectlPath(): string | undefined {
  const kubernetes = COMPONENTS.find((c) => c.name === 'kubernetes')!;
  const path = binaryPath(binCacheDir(), kubernetes, 'kubectl');
  return existsSync(path) ? path : undefined;
}

/** Marks this process as a user of the local cluster, so other users do not stop it underneath. */
function leaseLocalCluster(): void {
  acquireLease(clusterRunDir());
}

/** Ends this process's use of the local cluster; resolves to the number of other processes still using it. */
function releaseLocalCluster(): number {
  return releaseLease(clusterRunDir());
}

/** The local cluster as one process uses it: started or reused, and leased until `release`. */
export interface HeldLocalCluster {
  readonly cluster: StartedCluster;
  /** Ends the lease and stops the cluster if this process started it and no other process still uses it; resolves to the number of those others. */
  release(): Promise<number>;
}

/** Starts (or reuses) the local cluster and leases it, so test runs and the playground never stop it under each other. */
export async function holdLocalCluster(log: Log): Promise<HeldLocalCluster> {
  const cluster = await startLocalCluster(log);
  leaseLocalCluster();
  return {
    cluster,
    async release() {
      const others = releaseLocalCluster();
      if (!cluster.reused && others === 0) await stopLocalCluster(log);
      return others;
    },
  };
}

/** Pids of the processes (test runs, the playground) that currently use the local cluster. */
export function localClusterUsers(): number[] {
  return leaseHolders(clusterRunDir());
}
