import { describe, expect, it } from 'vitest';
import { forEachBounded } from './bounded.ts';

/** A gate a test opens by hand. */
function gate(): { promise: Promise<void>; open(): void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('forEachBounded', () => {
  it('never runs more than the limit at once, and runs every item', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await forEachBounded(Array.from({ length: 10 }, (_, i) => i), 3, async (i) => {
      running++;
      most = Math.max(most, running);
      await tick();
      running--;
      done.push(i);
    });
    expect(most).toBe(3);
    expect(done.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('lets the others finish while one is slow', async () => {
    const slow = gate();
    const finished: string[] = [];
    const all = forEachBounded(['slow', 'a', 'b', 'c'], 2, async (item) => {
      if (item === 'slow') await slow.promise;
      finished.push(item);
    });
    for (let i = 0; i < 10; i++) await tick();
    expect(finished).toEqual(['a', 'b', 'c']);
    slow.open();
    await all;
    expect(finished).toEqual(['a', 'b', 'c', 'slow']);
  });

  it('runs every item even when one throws, then rethrows the first error', async () => {
    const ran: number[] = [];
    await expect(forEachBounded([1, 2, 3], 1, async (i) => {
      ran.push(i);
      if (i === 2) throw new Error('two');
    })).rejects.toThrow('two');
    expect(ran).toEqual([1, 2, 3]);
  });

  it('refuses a limit below 1', async () => {
    await expect(forEachBounded([1], 0, async () => {})).rejects.toThrow(RangeError);
  });
});
