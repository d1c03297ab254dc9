// A new commit announced while a pass runs is fetched at once, so the next pass starts from it rather than fetching first.

/**
 * Fetches for the deployer's passes. Passes never overlap, so a commit announced during one (the transitioner's
 * promotion of a push the pass is deploying to `latest`) waited for the pass to end and then for a fetch of its own.
 * `announce` starts that fetch at once, and the next pass `take`s its result. `fetch` is the repo's, which runs one
 * at a time and lets a call share a fetch that has not started yet (`oneAtATime`): so the fetch an announcement gets
 * starts after it, and the one a pass takes has every commit announced before the pass.
 */
export class EarlyFetch {
  // The announced fetch no pass has taken yet.
  private announced: Promise<string | null> | undefined;

  constructor(private readonly fetch: () => Promise<string | null>) {}

  /** A new commit may be on the remote: fetch it now, or after the fetch under way, for the next pass. */
  announce(): void {
    const fetched = this.fetch();
    // Handled here, so an announced fetch that fails and is never taken is no unhandled rejection.
    fetched.catch(() => {});
    this.announced = fetched;
  }

  /** The head for a pass: the announced fetch's when there is one not taken yet, else a fetch of its own (also when that one failed). */
  take(): Promise<string | null> {
    const announced = this.announced;
    this.announced = undefined;
    return announced === undefined ? this.fetch() : announced.catch(() => this.fetch());
  }
}
