// One Lease: acquire it when free or expired, renew it while held, release it when asked, and say whether this
// replica may act under it right now (held and renewed within the renew deadline, judged on the monotonic clock).
import type { Logger } from '../service/logger/logger.ts';
import type { Fence } from './fence.ts';
import type { LeaseApi, LeaseObject } from './kube-leases.ts';
import type { Observed } from './lease-step.ts';
import { nextLeaseStep, observe } from './lease-step.ts';
import { repeat, type Repeating } from './repeating.ts';

/** Timing of leader election, in ms. */
export interface ElectionTiming {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/** What an elector needs. */
export interface ElectorOptions extends ElectionTiming {
  api: LeaseApi;
  name: string;
  identity: string;
  labels: Record<string, string>;
  /** Written into the Lease so other services find the holder. */
  address?: string;
  logger: Logger;
  /** Monotonic milliseconds; default performance.now. */
  now?: () => number;
  /** Told when this replica starts or stops being allowed to act. */
  onChange?: (held: boolean) => void;
  /** Whether to hold the Lease at all (a shard assigned elsewhere is released); default always. */
  wanted?: () => boolean;
}

/** One Lease this replica competes for. */
export class LeaseElector implements Fence {
  readonly name: string;
  private observed: Observed | undefined;
  private leading = false;
  /** Monotonic time the last successful create or renew was sent: the Lease is ours until at least then + its duration. */
  private renewedAt = -Infinity;
  private active = 0;
  private repeating: Repeating | undefined;
  private lastHeld = false;
  private readonly now: () => number;
  private address: string | undefined;

  /** Creates an elector; nothing happens before start() or tick(). */
  constructor(private readonly options: ElectorOptions) {
    this.name = options.name;
    this.now = options.now ?? (() => performance.now());
    this.address = options.address;
  }

  /** Sets the address written at the next renewal (known once the server listens). */
  advertise(address: string): void {
    this.address = address;
  }

  /** Whether this replica may act: it holds the Lease, renewed it within the renew deadline, and still wants it. */
  ok(): boolean {
    return this.leading && this.now() < this.renewedAt + this.options.renewDeadlineMs && this.wanted();
  }

  /** Counts fenced work under way (see Fence). */
  enter(): void {
    this.active++;
  }

  /** Ends one piece of fenced work. */
  leave(): void {
    this.active--;
  }

  /** Tries once every retry period until stop(). */
  start(): void {
    this.repeating ??= repeat(() => this.tick(), this.options.retryPeriodMs);
  }

  /**
   * One attempt: read the Lease (or take `known.read`, a read just made by a list of many; null: it does not exist),
   * then create, take, renew, release or wait; errors are logged and tried again later.
   */
  async tick(known?: { read: LeaseObject | null }): Promise<void> {
    try {
      await this.attempt(known);
    } catch (error) {
      this.options.logger.warn('lease request failed', { lease: this.name, error: error instanceof Error ? error.message : String(error) });
    }
    this.report();
  }

  /** Stops trying and gives the Lease up when held, so another replica takes over at once rather than after it expires. */
  async stop(): Promise<void> {
    await this.repeating?.stop();
    this.repeating = undefined;
    if (this.leading) await this.release().catch((error: unknown) => this.options.logger.warn('lease release failed', { lease: this.name, error: error instanceof Error ? error.message : String(error) }));
    this.leading = false;
    this.report();
  }

  private wanted(): boolean {
    return this.options.wanted?.() ?? true;
  }

  private async attempt(known: { read: LeaseObject | null } | undefined): Promise<void> {
    const { api, identity } = this.options;
    const sent = this.now();
    const read = known === undefined ? await api.get(this.name) : (known.read ?? undefined);
    this.observed = observe(this.observed, read, this.now());
    const draining = read?.holder === identity && this.active > 0;
    if (!this.wanted() && !draining) {
      // Handed over: released once the work started under it has ended, so the next holder never overlaps it.
      if (read?.holder === identity) await this.release();
      else this.leading = false;
      return;
    }
    // Not wanted but work under it still running: renewed (ok() stays false, so nothing new starts and no write goes
    // out), so the Lease cannot expire to another replica before that work has ended.
    const step = nextLeaseStep(this.observed, identity, this.now());
    if (step.kind === 'wait') {
      if (this.leading) this.options.logger.warn('lease taken over by another replica', { lease: this.name, holder: step.holder });
      this.leading = false;
      return;
    }
    const base = { holder: identity, durationMs: this.options.leaseDurationMs, labels: this.options.labels, ...(this.address === undefined ? {} : { address: this.address }) };
    let written: LeaseObject | false;
    if (step.kind === 'create') written = await api.create(this.name, { ...base, transitions: 0, acquired: true });
    else if (step.kind === 'renew') written = await api.replace(this.name, read!.version, { ...base, transitions: read!.transitions, acquired: false });
    else written = await api.replace(this.name, read!.version, { ...base, transitions: read!.transitions + 1, acquired: true });
    if (written === false) return; // another replica wrote first; the next attempt reads what it wrote
    if (!this.leading) this.options.logger.info('lease acquired', { lease: this.name, identity });
    this.leading = true;
    this.renewedAt = sent;
    this.observed = observe(this.observed, written, this.now());
  }

  private async release(): Promise<void> {
    const read = await this.options.api.get(this.name);
    this.leading = false;
    this.renewedAt = -Infinity;
    if (read === undefined || read.holder !== this.options.identity) return;
    await this.options.api.replace(this.name, read.version, { holder: '', durationMs: 1000, transitions: read.transitions, acquired: false, labels: this.options.labels });
    this.options.logger.info('lease released', { lease: this.name });
  }

  private report(): void {
    const held = this.ok();
    if (held !== this.lastHeld) {
      this.lastHeld = held;
      this.options.onChange?.(held);
    }
  }
}
