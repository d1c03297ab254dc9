// A deployer replica's share of the shards: it keeps a member Lease while it lives, reads the other members', and
// competes only for the shards the common assignment gives it, handing the others over once their work has ended.
import type { Logger } from '../service/logger/logger.ts';
import type { ElectionTiming } from './elector.ts';
import { LeaseElector } from './elector.ts';
import type { Fence } from './fence.ts';
import type { LeaseApi, LeaseObject } from './kube-leases.ts';
import { LEASE_ROLE_LABEL } from './kube-leases.ts';
import type { Observed } from './lease-step.ts';
import { heldByOther, observe } from './lease-step.ts';
import { leaseLabels, leaseSelector, memberLeaseName, shardLeaseName } from './names.ts';
import { repeat, type Repeating } from './repeating.ts';
import { assignShards, shardOf } from './shards.ts';

/** What a shard set needs. */
export interface ShardSetOptions extends ElectionTiming {
  api: LeaseApi;
  installation: string;
  identity: string;
  shards: number;
  address?: string;
  logger: Logger;
  now?: () => number;
  /** Told when this replica gained or lost a shard: the deployer then deploys what it now owns, or drops what it lost. */
  onChange?: () => void;
}

/** The shards this replica holds, and the fence of each. */
export class ShardSet {
  private readonly member: LeaseElector;
  private readonly electors: LeaseElector[];
  private readonly members = new Map<string, Observed>();
  private desired: string[] = [];
  private repeating: Repeating | undefined;
  private readonly now: () => number;
  private paused = false;

  /** Creates the set; nothing happens before start() or tick(). */
  constructor(private readonly options: ShardSetOptions) {
    this.now = options.now ?? (() => performance.now());
    const common = { api: options.api, identity: options.identity, logger: options.logger, leaseDurationMs: options.leaseDurationMs, renewDeadlineMs: options.renewDeadlineMs, retryPeriodMs: options.retryPeriodMs, now: this.now, ...(options.address === undefined ? {} : { address: options.address }) };
    this.member = new LeaseElector({ ...common, name: memberLeaseName(options.installation, 'deployer', options.identity), labels: leaseLabels(options.installation, 'deployer-member') });
    this.electors = Array.from({ length: options.shards }, (_, shard) => new LeaseElector({
      ...common,
      name: shardLeaseName(options.installation, shard),
      labels: { ...leaseLabels(options.installation, 'deployer-shard'), 'cascade.dev/shard': String(shard) },
      wanted: () => this.desired[shard] === options.identity,
      onChange: () => options.onChange?.(),
    }));
  }

  /** Sets the address written into the member and shard Leases (known once the server listens). */
  advertise(address: string): void {
    this.member.advertise(address);
    for (const elector of this.electors) elector.advertise(address);
  }

  /** Whether this replica acts for `name` (an environment or staging) now. */
  owns(name: string): boolean {
    return this.fenceFor(name).ok();
  }

  /** The fence of the shard `name` belongs to. */
  fenceFor(name: string): Fence {
    return this.electors[shardOf(name, this.options.shards)]!;
  }

  /** The shards held now, for the status and the logs. */
  held(): number[] {
    return this.electors.flatMap((elector, shard) => (elector.ok() ? [shard] : []));
  }

  /** Renews the member Lease, reads the members, and tries every shard Lease, once every retry period until stop(). */
  start(): void {
    this.repeating ??= repeat(() => this.tick(), this.options.retryPeriodMs);
  }

  /** One round: membership, the assignment, then each shard's Lease. */
  async tick(): Promise<void> {
    await this.member.tick();
    // One list answers the members and every shard Lease, instead of a read per shard.
    let shardLeases: Map<string, LeaseObject> | undefined;
    try {
      const leases = await this.options.api.list(leaseSelector(this.options.installation));
      await this.readMembers(leases.filter((lease) => lease.labels[LEASE_ROLE_LABEL] === 'deployer-member'));
      shardLeases = new Map(leases.filter((lease) => lease.labels[LEASE_ROLE_LABEL] === 'deployer-shard').map((lease) => [lease.name, lease]));
    } catch (error) {
      this.options.logger.warn('reading the deployer Leases failed', { error: error instanceof Error ? error.message : String(error) });
    }
    // Without its own member Lease a replica does not count itself, so it takes nothing new (it may have lost the cluster).
    const live = [...this.members.entries()].filter(([, observed]) => heldByOther(observed, this.options.identity, this.now())).map(([, observed]) => observed.record.holder!);
    this.desired = assignShards(this.member.ok() && !this.paused ? [...live, this.options.identity] : live, this.options.shards);
    await Promise.all(this.electors.map((elector) => elector.tick(shardLeases === undefined ? undefined : { read: shardLeases.get(elector.name) ?? null })));
  }

  /** Stops acting at once (every fence fails) while the Leases stay held, so work under way ends before stop() hands them over. */
  pause(): void {
    this.paused = true;
    this.desired = [];
  }

  /** Stops, gives every held shard up and removes the member Lease, so the others take over at once. */
  async stop(): Promise<void> {
    await this.repeating?.stop();
    this.repeating = undefined;
    await Promise.all(this.electors.map((elector) => elector.stop()));
    await this.member.stop();
    await this.options.api.remove(memberLeaseName(this.options.installation, 'deployer', this.options.identity)).catch(() => {});
  }

  private async readMembers(leases: readonly LeaseObject[]): Promise<void> {
    const own = memberLeaseName(this.options.installation, 'deployer', this.options.identity);
    const seen = new Set<string>();
    for (const lease of leases) {
      if (lease.name === own) continue;
      seen.add(lease.name);
      const observed = observe(this.members.get(lease.name), lease, this.now())!;
      this.members.set(lease.name, observed);
      // A member gone for ten lease durations is not coming back under that name: its Lease is removed.
      if (this.now() - observed.seenAt > 10 * Math.max(observed.record.durationMs, this.options.leaseDurationMs)) {
        await this.options.api.remove(lease.name, lease.version);
      }
    }
    for (const name of this.members.keys()) if (!seen.has(name)) this.members.delete(name);
  }
}
