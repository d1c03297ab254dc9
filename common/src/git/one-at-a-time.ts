// Runs of an operation one after another, where a caller who only needs "a run that starts after I asked" shares one.

/**
 * `run` one call at a time (two git fetches at once would race for the same ref lock). A call made while a run waits
 * for its turn shares that run: it starts after the call, so it sees whatever the caller wants seen (a commit pushed
 * before the call). A call made after a run started queues the next one. So at most one run is under way and one waits,
 * however many callers ask.
 */
export function oneAtATime<T>(run: () => Promise<T>): () => Promise<T> {
  let previous: Promise<unknown> = Promise.resolve();
  let waiting: Promise<T> | undefined;
  return () => {
    if (waiting !== undefined) return waiting;
    const next = previous.then(() => {
      waiting = undefined;
      return run();
    });
    waiting = next;
    previous = next.catch(() => {});
    return next;
  };
}
