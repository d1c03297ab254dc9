import { oneAtATime } from '@cascade/common/git';
import { createPrng } from '@cascade/common/testing';
import { describe, expect, it } from 'vitest';
import { EarlyFetch } from './early-fetch.ts';

/**
 * A remote and a cache clone's fetch as the repo runs it (`oneAtATime`): one fetch at a time, a call sharing a fetch
 * that has not started, each seeing the commits pushed by the moment it starts, and ending only when the test says so.
 */
function fakeRemote() {
  const state = { pushed: 0, started: 0, failNext: false };
  const running: (() => void)[] = [];
  const fetch = oneAtATime(
    () =>
      new Promise<string | null>((resolve, reject) => {
        state.started++;
        const seen = state.pushed;
        const fail = state.failNext;
        state.failNext = false;
        running.push(() => (fail ? reject(new Error('remote hung up')) : resolve(String(seen))));
      }),
  );
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  /** Ends the fetch under way, if any, and lets the next one start. */
  const finish = async () => {
    await settle();
    running.shift()?.();
    await settle();
  };
  return { state, fetch, finish, settle, running };
}

describe('early fetch', () => {
  it('a pass takes the fetch an announcement started instead of fetching again', async () => {
    const remote = fakeRemote();
    const early = new EarlyFetch(remote.fetch);
    remote.state.pushed = 1;
    early.announce();
    await remote.settle();
    expect(remote.state.started).toBe(1);
    const head = early.take();
    await remote.finish();
    expect(await head).toBe('1');
    expect(remote.state.started).toBe(1);
    // Taken once: the next pass fetches for itself.
    const next = early.take();
    await remote.finish();
    expect(await next).toBe('1');
    expect(remote.state.started).toBe(2);
  });

  it('announcements while a fetch runs queue one more, which the pass takes', async () => {
    const remote = fakeRemote();
    const early = new EarlyFetch(remote.fetch);
    remote.state.pushed = 1;
    early.announce();
    await remote.settle();
    // Commits 2 and 3 are announced while the first fetch runs (it saw only commit 1).
    for (const commit of [2, 3]) {
      remote.state.pushed = commit;
      early.announce();
    }
    await remote.finish();
    await remote.settle();
    expect(remote.state.started).toBe(2);
    const head = early.take();
    await remote.finish();
    expect(await head).toBe('3');
    expect(remote.state.started).toBe(2);
  });

  it('a failed announced fetch leaves the pass to fetch for itself, and one never taken harms nobody', async () => {
    const remote = fakeRemote();
    const early = new EarlyFetch(remote.fetch);
    remote.state.pushed = 4;
    remote.state.failNext = true;
    early.announce();
    const head = early.take();
    await remote.finish();
    await remote.finish();
    expect(await head).toBe('4');
    remote.state.failNext = true;
    early.announce();
    await remote.finish();
    // The next announcement starts a fetch of its own, after the failed one.
    early.announce();
    await remote.finish();
    expect(remote.state.started).toBe(4);
  });

  it('every pass starts from a head with every commit announced before it began (random walks)', async () => {
    for (let seed = 1; seed <= 30; seed++) {
      const random = createPrng(seed);
      const remote = fakeRemote();
      const early = new EarlyFetch(remote.fetch);
      let announcedUpTo = 0;
      const passes: { head: Promise<string | null>; needs: number }[] = [];
      for (let step = 0; step < 200; step++) {
        const roll = random.next();
        if (roll < 0.3) {
          remote.state.pushed++;
          // Most commits are announced; some only a poll would find.
          if (random.next() < 0.8) {
            early.announce();
            announcedUpTo = remote.state.pushed;
          }
        } else if (roll < 0.45) {
          const head = early.take();
          // Looked at once the walk is over; a pass whose fetch failed is no unhandled rejection meanwhile.
          head.catch(() => {});
          passes.push({ head, needs: announcedUpTo });
        } else if (roll < 0.5) {
          remote.state.failNext = true;
        } else {
          await remote.finish();
        }
      }
      let done = false;
      void Promise.allSettled(passes.map((pass) => pass.head)).then(() => (done = true));
      while (!done) await remote.finish();
      for (const [i, pass] of passes.entries()) {
        const head = await pass.head.then(Number, () => undefined);
        // A pass whose own fetch failed too fails as it always did; the loop looks again.
        if (head !== undefined) expect(head, `seed ${seed} pass ${i}`).toBeGreaterThanOrEqual(pass.needs);
      }
    }
  });
});
