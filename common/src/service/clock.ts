// Time as a dependency: services take a Clock so schedules, backoff and timeouts are testable without waiting.

/** The source of time every Cascade service is given instead of reading the global clock. */
export interface Clock {
  /** The current time. */
  now(): Date;
  /** Waits `ms` milliseconds; resolves early (never rejects) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The wall clock: `Date` and `setTimeout`. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
    }),
};

interface Sleeper {
  wakeAt: number;
  resolve: () => void;
}

/** A clock that only moves when a test calls `advance`, so time-driven code runs deterministically. */
export class ManualClock implements Clock {
  private nowMs: number;
  private sleepers: Sleeper[] = [];
  private sleeperWaiters: { count: number; resolve: () => void }[] = [];

  constructor(start: Date | string = '2024-01-01T00:00:00Z') {
    this.nowMs = new Date(start).getTime();
  }

  /** The manual current time. */
  now(): Date {
    return new Date(this.nowMs);
  }

  /** Registers a sleeper that wakes when the clock is advanced past its deadline or `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const sleeper: Sleeper = {
        wakeAt: this.nowMs + Math.max(0, ms),
        resolve: () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          signal?.removeEventListener('abort', sleeper.resolve);
          resolve();
        },
      };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', sleeper.resolve, { once: true });
      this.notifySleeperWaiters();
    });
  }

  /** Number of sleeps currently waiting for time to pass. */
  get sleeping(): number {
    return this.sleepers.length;
  }

  /** Durations (ms from now) of the pending sleeps, soonest first; lets tests assert on backoff delays. */
  pendingDelays(): number[] {
    return this.sleepers.map((s) => s.wakeAt - this.nowMs).sort((a, b) => a - b);
  }

  /** Resolves once at least `count` sleeps are pending, i.e. the code under test has gone idle. */
  whenSleeping(count = 1): Promise<void> {
    if (this.sleepers.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.sleeperWaiters.push({ count, resolve }));
  }

  /** Moves time forward by `ms`, waking due sleepers in deadline order and letting their continuations run. */
  async advance(ms: number): Promise<void> {
    const target = this.nowMs + ms;
    for (;;) {
      const due = this.sleepers.filter((s) => s.wakeAt <= target).sort((a, b) => a.wakeAt - b.wakeAt)[0];
      if (!due) break;
      this.nowMs = Math.max(this.nowMs, due.wakeAt);
      due.resolve();
      await flushMicrotasks();
    }
    this.nowMs = target;
    await flushMicrotasks();
  }

  private notifySleeperWaiters(): void {
    const ready = this.sleeperWaiters.filter((w) => this.sleepers.length >= w.count);
    this.sleeperWaiters = this.sleeperWaiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}

/** Lets already-scheduled promise continuations run (a macrotask turn drains the microtask queue). */
function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
