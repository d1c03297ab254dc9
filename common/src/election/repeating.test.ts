import { describe, expect, it } from 'vitest';
import { repeat } from './repeating.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('repeat', () => {
  it('runs the step again after each run, never two at once, and not after stop, which waits for the run under way', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    let release: (() => void) | undefined;
    const step = async () => {
      running++;
      most = Math.max(most, running);
      runs++;
      if (runs === 3) await new Promise<void>((resolve) => (release = resolve));
      running--;
    };
    const repeating = repeat(step, 1);
    while (release === undefined) await sleep(1);
    const stopped = repeating.stop();
    let done = false;
    void stopped.then(() => (done = true));
    await sleep(5);
    expect(done).toBe(false);
    release();
    await stopped;
    await sleep(10);
    expect([runs, most]).toEqual([3, 1]);
  });
});
