// A list made from another tells the places it replaced, over a few steps; anything else is not known.
import { describe, expect, it } from 'vitest';
import { madeFrom, placesChangedSince } from './report-lineage.ts';

describe('report lineage', () => {
  it('names the places replaced between a list and one made from it in steps, and nothing for lists not made so', () => {
    const first = ['a', 'b', 'c', 'd'];
    const second = first.slice();
    second[1] = 'B';
    madeFrom(second, first, [1]);
    const third = second.slice();
    third[3] = 'D';
    madeFrom(third, second, [3]);
    expect(placesChangedSince(first, first)).toEqual(new Set());
    expect(placesChangedSince(first, second)).toEqual(new Set([1]));
    expect(placesChangedSince(first, third)).toEqual(new Set([1, 3]));
    expect(placesChangedSince(second, third)).toEqual(new Set([3]));
    // Backwards, or from a list of another line, nothing is known.
    expect(placesChangedSince(third, first)).toBeUndefined();
    expect(placesChangedSince(['a', 'b', 'c', 'd'], third)).toBeUndefined();
  });

  it('gives up past a bounded number of steps', () => {
    const start = [0, 0];
    let list = start;
    for (let step = 0; step < 40; step++) {
      const next = list.slice();
      next[step % 2] = step;
      madeFrom(next, list, [step % 2]);
      list = next;
    }
    expect(placesChangedSince(start, list)).toBeUndefined();
  });
});
