// The scheduler of a script target: one job per resource at a time, at most `parallelism` jobs at once, oldest first.

/** Jobs keyed by resource; asking again for a key that is running runs it once more afterwards. */
export class KeyedWorkQueue {
  // Map order is arrival order, so the oldest waiting key starts first.
  private readonly waiting = new Map<string, () => Promise<void>>();
  private readonly running = new Set<string>();
  private readonly again = new Map<string, () => Promise<void>>();
  private idle: (() => void)[] = [];
  private closed = false;

  /** `parallelism`: jobs running at once; `onError`: told about a job that threw (the queue goes on). */
  constructor(private readonly parallelism: number, private readonly onError: (key: string, error: unknown) => void) {
    if (!(parallelism >= 1)) throw new RangeError(`parallelism must be at least 1, got ${parallelism}`);
  }

  /** Queues `job` for `key`; a key already waiting keeps its place, one already running runs once more when it ends. */
  enqueue(key: string, job: () => Promise<void>): void {
    if (this.closed) return;
    if (this.running.has(key)) this.again.set(key, job);
    else if (!this.waiting.has(key)) this.waiting.set(key, job);
    this.pump();
  }

  /** Whether a job for `key` is waiting or running. */
  busy(key: string): boolean {
    return this.waiting.has(key) || this.running.has(key);
  }

  /** Resolves once nothing waits or runs, including jobs queued by the jobs themselves. */
  settle(): Promise<void> {
    if (this.waiting.size === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Starts nothing more, drops what waits, and resolves once the running jobs have ended. */
  close(): Promise<void> {
    this.closed = true;
    this.waiting.clear();
    this.again.clear();
    return this.settle();
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.parallelism && this.waiting.size > 0) {
      const [key, job] = this.waiting.entries().next().value!;
      this.waiting.delete(key);
      this.running.add(key);
      void Promise.resolve()
        .then(job)
        .catch((error: unknown) => this.onError(key, error))
        .finally(() => this.finished(key));
    }
  }

  private finished(key: string): void {
    this.running.delete(key);
    const rerun = this.again.get(key);
    this.again.delete(key);
    // Behind the others: a resource that keeps changing does not starve the rest.
    if (rerun !== undefined && !this.closed) this.waiting.set(key, rerun);
    this.pump();
    if (this.waiting.size === 0 && this.running.size === 0) {
      const waiters = this.idle;
      this.idle = [];
      for (const resolve of waiters) resolve();
    }
  }
}
