// Where the acting replicas are: the transitioner that holds its Lease and the deployer replica holding each shard,
// read from the Leases' holders and their address annotations, so services call the replica that acts.
import type { LeaseApi } from './kube-leases.ts';
import { LEASE_ROLE_LABEL } from './kube-leases.ts';
import type { Observed } from './lease-step.ts';
import { heldByOther, observe } from './lease-step.ts';
import { leaseSelector } from './names.ts';

/** The acting replicas as last read. */
export interface ReplicaMap {
  /** Base URL of the transitioner holding its Lease; undefined while none does. */
  transitioner: string | undefined;
  /** Base URL of the deployer replica holding each shard (index = shard); undefined while none does. */
  deployerShards: Array<string | undefined>;
  /** Base URLs of every live aggregator replica, told of changes like the single aggregator is. */
  aggregators: string[];
}

/** Reads the Leases of one installation, at most once per `maxAgeMs`. */
export class LeaseDirectory {
  private readonly observed = new Map<string, Observed>();
  private last: { at: number; map: ReplicaMap } | undefined;
  private reading: Promise<ReplicaMap> | undefined;
  private readonly now: () => number;

  /** A directory over `api`; `shards` is the configured `deployer.shards`. */
  constructor(private readonly options: { api: LeaseApi; installation: string; shards: number; maxAgeMs: number; now?: () => number }) {
    this.now = options.now ?? (() => performance.now());
  }

  /** The acting replicas, read again when the last read is older than maxAgeMs; a failed read keeps the last answer. */
  async replicas(): Promise<ReplicaMap> {
    if (this.last !== undefined && this.now() - this.last.at < this.options.maxAgeMs) return this.last.map;
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async read(): Promise<ReplicaMap> {
    let leases;
    try {
      leases = await this.options.api.list(leaseSelector(this.options.installation));
    } catch (error) {
      if (this.last !== undefined) return this.last.map;
      throw error;
    }
    const now = this.now();
    const map: ReplicaMap = { transitioner: undefined, deployerShards: Array.from({ length: this.options.shards }, () => undefined), aggregators: [] };
    for (const lease of leases) {
      const observed = observe(this.observed.get(lease.name), lease, now)!;
      this.observed.set(lease.name, observed);
      // An expired or released Lease names nobody: its last holder may be dead.
      if (!heldByOther(observed, '', now) || lease.address === undefined) continue;
      const role = lease.labels[LEASE_ROLE_LABEL];
      if (role === 'transitioner') map.transitioner = lease.address;
      if (role === 'aggregator-member') map.aggregators.push(lease.address);
      if (role === 'deployer-shard') {
        const shard = Number(lease.labels['cascade.dev/shard']);
        if (Number.isInteger(shard) && shard >= 0 && shard < this.options.shards) map.deployerShards[shard] = lease.address;
      }
    }
    this.last = { at: now, map };
    return map;
  }
}
