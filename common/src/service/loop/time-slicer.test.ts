import { describe, expect, it } from 'vitest';
import { createTimeSlicer } from './time-slicer.ts';

describe('createTimeSlicer', () => {
  it('lets other callbacks run only once a slice of time is used up', async () => {
    let now = 1000;
    const pause = createTimeSlicer(20, () => now);
    const ran: string[] = [];
    const pauseAndNote = async (label: string) => {
      setImmediate(() => ran.push(`other work before ${label}`));
      await pause();
      ran.push(label);
    };
    now += 19;
    await pauseAndNote('within the slice');
    now += 1;
    await pauseAndNote('slice used up');
    now += 5;
    await pauseAndNote('new slice');
    await new Promise((resolve) => setImmediate(resolve));
    expect(ran).toEqual(['within the slice', 'other work before within the slice', 'other work before slice used up', 'slice used up', 'new slice', 'other work before new slice']);
  });
});
