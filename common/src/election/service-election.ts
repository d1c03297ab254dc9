// What a service builds from the `election` section: the Lease API, timing, its identity and address, and the directory.
import { hostname } from 'node:os';
import type { CascadeConfig } from '../config/types.ts';
import { LeaseDirectory } from './directory.ts';
import type { ElectionTiming } from './elector.ts';
import type { LeaseApi } from './kube-leases.ts';
import { kubeLeaseApi } from './kube-leases.ts';

/** Leader election as one service of an installation takes part in it. */
export interface ServiceElection {
  api: LeaseApi;
  timing: ElectionTiming;
  identity: string;
  installation: string;
  shards: number;
  /** Finds the acting replicas of the other services. */
  directory: LeaseDirectory;
}

/** The election of `config`, or undefined when it has no `election` section; `api` replaces the cluster's (tests). */
export async function serviceElection(config: Pick<CascadeConfig, 'election' | 'deployer'>, api?: LeaseApi): Promise<ServiceElection | undefined> {
  const election = config.election;
  if (election === undefined) return undefined;
  const leases = api ?? (await kubeLeaseApi(election));
  const timing = { leaseDurationMs: election.leaseDuration, renewDeadlineMs: election.renewDeadline, retryPeriodMs: election.retryPeriod };
  const { installation, shards } = config.deployer;
  return { api: leases, timing, identity: election.identity, installation, shards, directory: new LeaseDirectory({ api: leases, installation, shards, maxAgeMs: election.retryPeriod }) };
}

/**
 * The URL other services reach this replica at: `election.advertise`, else the URL it serves on, where a wildcard
 * host (0.0.0.0, ::) becomes $POD_IP (set by the Helm chart) or the host name.
 */
export function advertisedUrl(config: Pick<CascadeConfig, 'election'>, servedUrl: string, env: NodeJS.ProcessEnv = process.env): string {
  if (config.election?.advertise !== undefined) return config.election.advertise;
  const url = new URL(servedUrl);
  if (url.hostname === '0.0.0.0' || url.hostname === '[::]' || url.hostname === '::') {
    const host = env.POD_IP || hostname();
    url.hostname = host.includes(':') ? `[${host}]` : host;
  }
  return url.toString().replace(/\/+$/, '');
}
