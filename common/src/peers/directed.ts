// Peer clients for replicas found through their Leases: the deployer's status gathered from the replica holding each
// shard, calls about one environment or staging sent to its shard's holder, and the transitioner that holds its Lease.
import type { LeaseDirectory } from '../election/directory.ts';
import { shardOf } from '../election/shards.ts';
import type { DeployerStatus, EnvironmentStatus, StagingStatus } from '../status/deployer.ts';
import type { PeerClientOptions } from './call-peer.ts';
import { createDeployerClient, withInProcessStatus, type DeployerClient } from './deployer-client.ts';
import { PeerError } from './peer-error.ts';
import { createTransitionerClient, type TransitionerClient } from './transitioner-client.ts';

/** A deployer client over every shard holder; `url` is the one configured (a Service), used in messages only. */
export function createDirectedDeployerClient(directory: LeaseDirectory, url: string, options: PeerClientOptions = {}): DeployerClient {
  const clients = new Map<string, DeployerClient>();
  const clientFor = (address: string) => {
    let client = clients.get(address);
    if (client === undefined) clients.set(address, (client = createDeployerClient(address, options)));
    return client;
  };
  // What each shard's holder last said, kept while a shard changes hands so its environments do not vanish meanwhile.
  const lastByShard = new Map<number, { environments: EnvironmentStatus[]; stagings: StagingStatus[]; commit: string | undefined }>();
  const holderOf = async (name: string) => {
    const { deployerShards } = await directory.replicas();
    const address = deployerShards[shardOf(name, deployerShards.length)];
    if (address === undefined) throw new PeerError({ peer: 'deployer', method: 'GET', url, code: 'unreachable', cause: `no deployer replica holds the shard of ${name} right now` });
    return clientFor(address);
  };
  return {
    url,
    async status() {
      const { deployerShards } = await directory.replicas();
      const count = deployerShards.length;
      const addresses = [...new Set(deployerShards.filter((a): a is string => a !== undefined))];
      const settled = await Promise.allSettled(addresses.map((address) => clientFor(address).status()));
      // Nobody answered: the first one's error, as a single unreachable deployer gives, so callers keep their last status.
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed !== undefined && settled.every((s) => s.status === 'rejected')) throw failed.reason;
      const answers = new Map(addresses.map((address, i) => [address, settled[i]!.status === 'fulfilled' ? (settled[i] as PromiseFulfilledResult<DeployerStatus>).value : undefined] as const));
      for (let shard = 0; shard < count; shard++) {
        const answer = answers.get(deployerShards[shard] ?? '');
        if (answer === undefined) continue;
        lastByShard.set(shard, {
          environments: answer.environments.filter((env) => shardOf(env.env, count) === shard),
          stagings: (answer.stagings ?? []).filter((staging) => shardOf(staging.name, count) === shard),
          commit: answer.commit,
        });
      }
      if (lastByShard.size === 0) throw new PeerError({ peer: 'deployer', method: 'GET', url, code: 'unreachable', cause: 'no deployer replica holds a shard yet' });
      return mergeShards([...lastByShard.entries()].filter(([shard]) => shard < count).map(([, part]) => part));
    },
    stagingActions: async (name, read) => (await holderOf(name)).stagingActions(name, read),
    scriptRuns: async (env, resource, read) => (await holderOf(env)).scriptRuns(env, resource, read),
  };
}

/** One status from the shards' parts: environments and stagings by name, and the commit most parts report. */
function mergeShards(parts: Array<{ environments: EnvironmentStatus[]; stagings: StagingStatus[]; commit: string | undefined }>): DeployerStatus {
  const environments = parts.flatMap((part) => part.environments).sort((a, b) => a.env.localeCompare(b.env));
  const stagings = parts.flatMap((part) => part.stagings).sort((a, b) => a.name.localeCompare(b.name));
  const votes = new Map<string, number>();
  for (const { commit } of parts) if (commit !== undefined) votes.set(commit, (votes.get(commit) ?? 0) + 1);
  const commit = [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  return { ...(commit === undefined ? {} : { commit }), environments, ...(stagings.length === 0 ? {} : { stagings }) };
}

/** A transitioner client that calls the replica holding the transitioner Lease; `url` is the configured one, for messages. */
export function createDirectedTransitionerClient(directory: LeaseDirectory, url: string, options: PeerClientOptions = {}): TransitionerClient {
  const clients = new Map<string, TransitionerClient>();
  const leader = async () => {
    const { transitioner } = await directory.replicas();
    if (transitioner === undefined) throw new PeerError({ peer: 'transitioner', method: 'GET', url, code: 'unreachable', cause: 'no transitioner replica holds the lease right now' });
    let client = clients.get(transitioner);
    if (client === undefined) clients.set(transitioner, (client = createTransitionerClient(transitioner, options)));
    return client;
  };
  return {
    url,
    status: async () => (await leader()).status(),
    runTransition: async (name, runOptions) => (await leader()).runTransition(name, runOptions),
  };
}

/**
 * The deployer client to use: through the Leases when there is a directory (`election`), else the configured URL,
 * with its status read from `inProcessStatus` when the deployer runs in this process (`cascade up`).
 */
export function deployerClientFor(url: string, directory: LeaseDirectory | undefined, options: PeerClientOptions = {}, inProcessStatus?: () => DeployerStatus): DeployerClient {
  if (directory !== undefined) return createDirectedDeployerClient(directory, url, options);
  const client = createDeployerClient(url, options);
  return inProcessStatus === undefined ? client : withInProcessStatus(client, inProcessStatus);
}

/** The transitioner client to use: the Lease holder when there is a directory (`election`), else the configured URL. */
export function transitionerClientFor(url: string, directory: LeaseDirectory | undefined, options: PeerClientOptions = {}): TransitionerClient {
  return directory === undefined ? createTransitionerClient(url, options) : createDirectedTransitionerClient(directory, url, options);
}
