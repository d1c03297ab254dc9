// Who works on which staging when, for every staging pass and look of one deployer: one turn per staging at a time,
// at most `limit` turns per target at once, the most urgent waiting turn first. Shared by passes, so a pass need not
// wait for an earlier one's slow staging, and no staging is ever deployed twice at once. No I/O of its own.

/**
 * How urgent a staging's turn is, most urgent first: its file, kind or template changed (what someone asked for);
 * its live objects changed (a watch event); it is on its way and needs a look; nothing changed (a quick report).
 */
export type TurnUrgency = 'changed' | 'live' | 'pending' | 'unchanged';

const RANK: Record<TurnUrgency, number> = { changed: 0, live: 1, pending: 2, unchanged: 3 };

/** The more urgent of two urgencies. */
export function moreUrgent(a: TurnUrgency, b: TurnUrgency): TurnUrgency {
  return RANK[a] <= RANK[b] ? a : b;
}

/** A request for one turn of a staging. */
export interface TurnRequest {
  /** The target whose slots the turn takes. */
  target: string;
  /** Turns of the target at once; the same for every request naming it. */
  limit: number;
  urgency: TurnUrgency;
  /** Which snapshot the work was prepared from; a turn not started yet keeps the work of the newest. */
  generation: number;
  /** The turn itself; never run twice at once for one staging, and expected not to throw. */
  work: () => Promise<void>;
}

/** A turn not started yet, and whoever waits for it to end. */
interface Turn {
  request: TurnRequest;
  /** Order of asking: among equally urgent turns, the first asked starts first. */
  seq: number;
  done: Array<() => void>;
}

/** The turns of the stagings of one deployer. */
export class StagingLanes {
  private readonly waiting = new Map<string, Turn>();
  /** Per staging under way, the turn asked for while it ran (it runs next, with the newest work). */
  private readonly running = new Map<string, { target: string; next?: Turn }>();
  private readonly busySlots = new Map<string, number>();
  private seq = 0;
  private pumping = false;
  private closed = false;
  private idle: Array<() => void> = [];

  /** `onError`: told about a turn that threw (the others go on). */
  constructor(private readonly onError: (name: string, error: unknown) => void) {}

  /**
   * Asks for a turn of `name`. A staging already waiting keeps its place (and takes the more urgent urgency and the
   * newer work); one under way gets one more turn after. Resolves once a turn that started after this call has
   * ended, or the request was dropped.
   */
  request(name: string, request: TurnRequest): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const under = this.running.get(name);
      const existing = under === undefined ? this.waiting.get(name) : under.next;
      if (existing === undefined) {
        const turn: Turn = { request, seq: this.seq++, done: [resolve] };
        if (under === undefined) this.waiting.set(name, turn);
        else under.next = turn;
      } else {
        const urgency = moreUrgent(existing.request.urgency, request.urgency);
        existing.request = { ...(request.generation >= existing.request.generation ? request : existing.request), urgency };
        existing.done.push(resolve);
      }
      this.schedulePump();
    });
  }

  /** Whether a turn of `name` is waiting or under way. */
  busy(name: string): boolean {
    return this.waiting.has(name) || this.running.has(name);
  }

  /** Drops the turns not started yet of stagings not in `keep` (their files are gone); those under way end as they will. */
  drop(keep: ReadonlySet<string>): void {
    for (const [name, turn] of [...this.waiting]) {
      if (keep.has(name)) continue;
      this.waiting.delete(name);
      for (const resolve of turn.done) resolve();
    }
    for (const [name, under] of this.running) {
      if (keep.has(name) || under.next === undefined) continue;
      for (const resolve of under.next.done) resolve();
      under.next = undefined;
    }
  }

  /** Starts nothing more, drops every turn not started yet, and resolves once the turns under way have ended. */
  close(): Promise<void> {
    this.closed = true;
    this.drop(new Set());
    if (this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  // Requests made in one synchronous run (a pass asking for every staging) are ranked together before any starts.
  private schedulePump(): void {
    if (this.pumping) return;
    this.pumping = true;
    queueMicrotask(() => {
      this.pumping = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.closed) return;
    const ranked = [...this.waiting].sort(([, a], [, b]) => RANK[a.request.urgency] - RANK[b.request.urgency] || a.seq - b.seq);
    for (const [name, turn] of ranked) {
      const { target, limit } = turn.request;
      const busy = this.busySlots.get(target) ?? 0;
      if (busy >= limit) continue;
      this.busySlots.set(target, busy + 1);
      this.waiting.delete(name);
      this.start(name, turn);
    }
  }

  private start(name: string, turn: Turn): void {
    const under: { target: string; next?: Turn } = { target: turn.request.target };
    this.running.set(name, under);
    void Promise.resolve()
      .then(turn.request.work)
      .catch((error: unknown) => this.onError(name, error))
      .finally(() => {
        this.running.delete(name);
        this.busySlots.set(under.target, (this.busySlots.get(under.target) ?? 1) - 1);
        // Behind the turns asked for before it: a staging that keeps changing does not starve the others.
        if (under.next !== undefined && !this.closed) this.waiting.set(name, under.next);
        for (const resolve of turn.done) resolve();
        if (this.closed && this.running.size === 0) for (const resolve of this.idle.splice(0)) resolve();
        this.schedulePump();
      });
  }
}
