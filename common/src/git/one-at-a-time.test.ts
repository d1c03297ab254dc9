import { describe, expect, it } from 'vitest';
import { createPrng } from '../testing/index.ts';
import { oneAtATime } from './one-at-a-time.ts';

/** An operation whose runs the test ends one by one; each reports how many calls had been made when it started. */
function heldRuns() {
  const state = { calls: 0, started: 0, running: 0, mostRunning: 0, failNext: false };
  const ends: (() => void)[] = [];
  const run = () =>
    new Promise<number>((resolve, reject) => {
      state.started++;
      state.mostRunning = Math.max(state.mostRunning, ++state.running);
      const seen = state.calls;
      const fail = state.failNext;
      state.failNext = false;
      ends.push(() => {
        state.running--;
        if (fail) reject(new Error('remote hung up'));
        else resolve(seen);
      });
    });
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  const finish = async () => {
    await settle();
    ends.shift()?.();
    await settle();
  };
  return { state, run, finish, settle };
}

describe('oneAtATime', () => {
  it('shares a run among the calls made before it started, and queues one run for the calls made while it runs', async () => {
    const held = heldRuns();
    const run = oneAtATime(held.run);
    const call = () => {
      held.state.calls++;
      return run();
    };
    const first = call();
    expect(call()).toBe(first);
    await held.settle();
    expect(held.state.started).toBe(1);
    const second = call();
    expect(call()).toBe(second);
    expect(second).not.toBe(first);
    await held.finish();
    await held.finish();
    // Each run saw every call that shares it: the first the two before it started, the second all four.
    expect([await first, await second, held.state.started, held.state.mostRunning]).toEqual([2, 4, 2, 1]);
  });

  it('starts the next run after a failed one', async () => {
    const held = heldRuns();
    const call = oneAtATime(held.run);
    held.state.failNext = true;
    const failed = call();
    await held.settle();
    const next = call();
    await held.finish();
    await expect(failed).rejects.toThrow('remote hung up');
    await held.finish();
    expect(await next).toBe(0);
  });

  it('gives every call a run that started after it, with one run at a time (random walks)', async () => {
    for (let seed = 1; seed <= 30; seed++) {
      const random = createPrng(seed);
      const held = heldRuns();
      const call = oneAtATime(held.run);
      const calls: { result: Promise<number>; callNumber: number }[] = [];
      for (let step = 0; step < 200; step++) {
        const roll = random.next();
        if (roll < 0.4) {
          const callNumber = ++held.state.calls;
          const result = call();
          result.catch(() => {});
          calls.push({ result, callNumber });
        } else if (roll < 0.45) {
          held.state.failNext = true;
        } else {
          await held.finish();
        }
      }
      let done = false;
      void Promise.allSettled(calls.map((c) => c.result)).then(() => (done = true));
      while (!done) await held.finish();
      expect(held.state.mostRunning, `seed ${seed}`).toBe(1);
      // At most one run a call: never more runs than calls, and a run per call only when nothing was shared.
      expect(held.state.started, `seed ${seed}`).toBeLessThanOrEqual(calls.length);
      for (const [i, c] of calls.entries()) {
        const seen = await c.result.catch(() => undefined);
        if (seen !== undefined) expect(seen, `seed ${seed} call ${i}`).toBeGreaterThanOrEqual(c.callNumber);
      }
    }
  });
});
