// A new commit announced while a pass runs is fetched at once, so the next pass starts from it rather than fetching first.

/**
 * Fetches for the deployer's passes. Passes never overlap, so a commit announced during one (the transitioner's
 * promotion of a push the pass is deploying to `latest`) waited for the pass to end and then for a fetch of its own.
 * `announce` starts that fetch at once (after any fetch under way: the repo runs one at a time), and the next pass
 * `take`s its result. Many announcements before it starts share it; one after it has started queues the next, so the
 * fetch a pass takes always began after the last announcement before the pass: it has every commit announced by then.
 */
export class EarlyFetch {
  // The announced fetch no pass has taken yet.
  private announced: Promise<string | null> | undefined;
  // An announced fetch that waits for the one before it and has not started: it will see any commit announced now.
  private queued = false;
  private last: Promise<unknown> = Promise.resolve();

  constructor(private readonly fetch: () => Promise<string | null>) {}

  /** A new commit may be on the remote: fetch it now, or after the fetch under way, for the next pass. */
  announce(): void {
    if (this.queued) return;
    this.queued = true;
    const fetched = this.last.then(() => {
      this.queued = false;
      return this.fetch();
    });
    // Handled here, so an announced fetch that fails and is never taken is no unhandled rejection.
    this.last = fetched.catch(() => {});
    this.announced = fetched;
  }

  /** The head for a pass: the announced fetch's when there is one not taken yet, else a fetch of its own (also when that one failed). */
  take(): Promise<string | null> {
    const announced = this.announced;
    this.announced = undefined;
    return announced === undefined ? this.fetch() : announced.catch(() => this.fetch());
  }
}
