// One informer: list a kind (label-selected, in one namespace or all), then watch it from the list's resourceVersion,
// re-watching after a closed or failed stream and listing afresh when the server says the resourceVersion is gone.
import type { Manifest } from '@cascade/common';
import type { BackoffOptions, Clock, Logger } from '@cascade/common/service';
import { backoffDelay } from '@cascade/common/service';
import type { KindToList } from '../live.ts';
import type { StoreChange, WatchEvent } from './object-store.ts';
import { ObjectStore, watchRequestGone, watchRequestRefused } from './object-store.ts';

/** What one watch covers. */
export interface WatchSpec extends KindToList {
  /** Absent: the whole cluster (or a cluster-scoped kind). */
  namespace?: string;
  labelSelector: string;
}

/** An open watch stream; `abort` ends it (its `done` still follows). */
export interface OpenWatch {
  abort(): void;
}

/**
 * The object a watch holds under this name and namespace when it is at `resourceVersion`: a list may hand that over
 * instead of parsing the listed one, which is the same state.
 */
export type HeldAt = (name: string, namespace: string | undefined, resourceVersion: string) => Manifest | undefined;

/** The I/O a watch needs, so its logic can run against a fake server too. */
export interface WatchSource {
  /**
   * Lists the kind page by page, handing each page's objects to `onPage` as it arrives, so that no one holds the
   * whole list as received; resolves with the resourceVersion the list was read at once the last page is in. With
   * `held`, a listed object the watch holds at the same resourceVersion may be handed over as held, unparsed.
   */
  list(spec: WatchSpec, onPage: (items: Manifest[]) => void, held?: HeldAt): Promise<string>;
  /**
   * Lists the kind's names and resourceVersions alone and resolves with the resourceVersion the list was read at when
   * it names exactly `count` objects, each held at its listed resourceVersion; undefined as soon as anything differs.
   * Optional: without it, every relist reads whole objects.
   */
  confirm?(spec: WatchSpec, held: HeldAt, count: number): Promise<string | undefined>;
  /** Opens a watch from `resourceVersion`; `done` is called exactly once, when the stream ends, with the error if it failed. */
  watch(spec: WatchSpec, resourceVersion: string, onEvent: (event: WatchEvent) => void, done: (error: unknown) => void): Promise<OpenWatch>;
}

/** What a watch tells its owner. */
export type WatchNews =
  /** The first list is in: from now on the watch reports every change. */
  | { kind: 'synced' }
  /** Objects changed, from an event or from a list that replaced what was known. */
  | { kind: 'changed'; changes: StoreChange[] }
  /** A list failed: until one succeeds the watch reports nothing, so its owner must look for itself. */
  | { kind: 'failing'; reason: string };

/** Options of a KindWatch. */
export interface KindWatchOptions {
  spec: WatchSpec;
  source: WatchSource;
  clock: Clock;
  logger: Logger;
  onNews: (news: WatchNews) => void;
  /** Told after each list taken into the store (for metrics). */
  onListed?: () => void;
  /** Pacing of re-lists and re-watches after failures; default from 1 s up to 30 s. */
  backoff?: BackoffOptions;
  /** Start from this store instead of an empty one (a known resourceVersion to resume from). */
  store?: ObjectStore;
}

const DEFAULT_BACKOFF: BackoffOptions = { initial: 1000, max: 30_000 };

/** Fresh reads of all watches so far, which orders them: an order, not a time, so two never tie (a clock may stand still). */
let freshReads = 0;

/** A list-then-watch of one kind that keeps its store in step with the server until stopped. */
export class KindWatch {
  readonly store: ObjectStore;
  private readonly stopping = new AbortController();
  private current: OpenWatch | undefined;
  private pause: AbortController | undefined;
  private relistWanted = false;
  private failing = false;
  /** The server refuses the watch itself (no `watch` permission, say): the store cannot follow it, whatever lists say. */
  private refused = false;
  private everSynced = false;
  private failures = 0;
  private done: Promise<void> | undefined;
  /** Callers of relist waiting for the list it asked for. */
  private readonly listWaiters: Array<() => void> = [];
  /** When the last list began, as a place in freshReads; 0: none yet. */
  private freshAt = 0;

  constructor(private readonly options: KindWatchOptions) {
    this.store = options.store ?? new ObjectStore();
    // A store handed over in step with the server was synced before: what a list changes in it is news.
    this.everSynced = this.store.synced;
  }

  /** Starts listing and watching in the background. */
  start(): void {
    this.done ??= this.run().catch((error: unknown) => this.options.logger.error('watch crashed', { ...describe(this.options.spec), error }));
  }

  /** Whether the store mirrors the server, so a pass may plan with it. */
  get synced(): boolean {
    return this.store.synced && !this.relistWanted && !this.refused;
  }

  /** Whether the last list failed or the server refuses to watch, so no news can be expected from this watch for now. */
  get isFailing(): boolean {
    return this.failing || this.refused;
  }

  /** When the last list began (a failed one too): larger is later; 0 before the first. */
  get lastFresh(): number {
    return this.freshAt;
  }

  /** Lists afresh at once (ending the current stream), e.g. for the periodic full reconcile; resolves once that list is in or failed. */
  relist(): Promise<void> {
    this.relistWanted = true;
    const listed = new Promise<void>((resolve) => this.listWaiters.push(resolve));
    this.current?.abort();
    this.pause?.abort();
    // A watch that is not running lists nothing: nobody waits for it.
    if (this.done === undefined || this.stopping.signal.aborted) this.listAttempted();
    return listed;
  }

  /** Ends the stream and any wait, and resolves once the watch has stopped. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.current?.abort();
    await this.done;
    this.listAttempted();
  }

  /** Tells whoever waits for a list (relist) that one was made, or failed, or will not be made. */
  private listAttempted(): void {
    for (const resolve of this.listWaiters.splice(0)) resolve();
  }

  private async run(): Promise<void> {
    const { spec, logger } = this.options;
    while (!this.stopping.signal.aborted) {
      // 1. Without a usable resourceVersion, list: the list is the new truth, and what it changed is news.
      if (!this.store.synced || this.relistWanted) {
        const listed = await this.listOnce();
        if (listed === 'stopped') return;
        if (listed === 'failed') continue;
      }
      // 2. Watch from the resourceVersion until the stream ends; bookmarks keep it fresh while nothing happens.
      const ended = await this.watchOnce(this.store.resourceVersion!);
      if (this.stopping.signal.aborted) return;
      if (this.relistWanted || !this.store.synced) continue;
      if (ended.error !== undefined && watchRequestGone(ended.error)) {
        this.store.invalidate();
        continue;
      }
      // 3. A stream that brought something ends normally (the server's timeout): go on at once. Otherwise back off,
      // counting from the start again after a stream that worked for a while.
      if (ended.events > 0) this.failures = 0;
      if (ended.error === undefined && ended.events > 0) continue;
      const reason = ended.error === undefined ? 'the watch closed without any event' : ended.error instanceof Error ? ended.error.message : String(ended.error);
      if (ended.events === 0 && watchRequestRefused(ended.error) && !this.refused) {
        this.refused = true;
        this.options.onNews({ kind: 'failing', reason });
      }
      logger.debug('watch ended, watching again', { ...describe(spec), reason });
      await this.wait(reason);
    }
  }

  /**
   * Lists once, taking each page into the store's intake as it arrives, and the whole list into the store at the end.
   * A method of its own so that the intake is garbage once the store has the list: a variable of `run` would stay
   * alive in its suspended frame for as long as the watch after it runs, holding objects events replace.
   */
  private async listOnce(): Promise<'listed' | 'failed' | 'stopped'> {
    this.relistWanted = false;
    // What the list reads is the server's state from here on: events since are in it or come after it.
    this.freshAt = ++freshReads;
    const intake = this.store.intake();
    // A relist (the periodic full reconcile, mostly) finds nearly every object as held: those are not parsed again.
    const held: HeldAt | undefined = this.store.size === 0 ? undefined : this.store.heldOf(this.options.spec.apiVersion, this.options.spec.kind);
    let listed: { resourceVersion: string; confirmed: boolean };
    try {
      // It asks for names and resourceVersions first: when they are what the store holds, no object is read at all.
      const unchangedAt = held === undefined ? undefined : await this.options.source.confirm?.(this.options.spec, held, this.store.size);
      listed = unchangedAt !== undefined
        ? { resourceVersion: unchangedAt, confirmed: true }
        : { resourceVersion: await this.options.source.list(this.options.spec, (items) => intake.add(items), held), confirmed: false };
    } catch (error) {
      this.listAttempted();
      if (this.stopping.signal.aborted) return 'stopped';
      this.store.invalidate();
      const reason = error instanceof Error ? error.message : String(error);
      if (!this.failing) this.options.onNews({ kind: 'failing', reason });
      this.failing = true;
      await this.wait(`list failed: ${reason}`);
      return 'failed';
    }
    if (this.stopping.signal.aborted) {
      this.listAttempted();
      return 'stopped';
    }
    const changes = listed.confirmed ? this.store.confirm(listed.resourceVersion) : this.store.takeList(intake, listed.resourceVersion);
    this.options.onListed?.();
    this.failing = false;
    this.failures = 0;
    if (!this.everSynced) {
      this.everSynced = true;
      this.options.onNews({ kind: 'synced' });
    } else if (changes.length > 0) this.options.onNews({ kind: 'changed', changes });
    // Only a list that started after the relist counts: one already under way may predate what was missed.
    if (!this.relistWanted) this.listAttempted();
    return 'listed';
  }

  /** One watch stream: resolves when it ended, with its error and how many events it delivered. */
  private watchOnce(resourceVersion: string): Promise<{ error: unknown; events: number }> {
    return new Promise((resolve) => {
      let events = 0;
      let finished = false;
      // The server said the resourceVersion is gone: nothing more from this stream can be trusted.
      let gone = false;
      const finish = (error: unknown) => {
        if (finished) return;
        finished = true;
        this.current = undefined;
        resolve({ error: error ?? undefined, events });
      };
      const onEvent = (event: WatchEvent) => {
        if (finished || gone || this.stopping.signal.aborted) return;
        const outcome = this.store.apply(event);
        // Only progress counts: a stream that brings nothing but errors must not be reopened at once, again and again.
        if (outcome.kind === 'changed' || outcome.kind === 'unchanged') {
          events++;
          this.refused = false;
        }
        if (outcome.kind === 'changed') this.options.onNews({ kind: 'changed', changes: [outcome.change] });
        else if (outcome.kind === 'relist') {
          gone = true;
          this.current?.abort();
        }
        else if (outcome.kind === 'error') this.options.logger.debug('watch error event', { ...describe(this.options.spec), reason: outcome.reason });
      };
      this.options.source.watch(this.options.spec, resourceVersion, onEvent, finish).then(
        (open) => {
          if (finished) return;
          this.current = open;
          // Stopped, asked to relist, or told the resourceVersion is gone while the request was being opened.
          if (this.stopping.signal.aborted || this.relistWanted || gone) open.abort();
        },
        finish,
      );
    });
  }

  /** Waits out the next backoff delay; `stop` and `relist` cut it short. */
  private async wait(reason: string): Promise<void> {
    this.failures++;
    const delay = backoffDelay(this.failures, this.options.backoff ?? DEFAULT_BACKOFF);
    this.options.logger.debug('watch waiting', { ...describe(this.options.spec), reason, retryInMs: delay });
    this.pause = new AbortController();
    await this.options.clock.sleep(delay, AbortSignal.any([this.pause.signal, this.stopping.signal]));
    this.pause = undefined;
  }
}

function describe(spec: WatchSpec): Record<string, string> {
  return { kind: spec.kind, apiVersion: spec.apiVersion, ...(spec.namespace === undefined ? {} : { namespace: spec.namespace }) };
}
