// Lists of one line tell the places where they may differ, over a few steps; lists of other lines are not known.
import { describe, expect, it } from 'vitest';
import { madeFrom, placesChangedBetween } from './report-lineage.ts';

describe('report lineage', () => {
  it('names the places replaced between lists of one line, either way and across siblings, and nothing for other lists', () => {
    const first = ['a', 'b', 'c', 'd'];
    const second = first.slice();
    second[1] = 'B';
    madeFrom(second, first, [1]);
    const third = second.slice();
    third[3] = 'D';
    madeFrom(third, second, [3]);
    expect(placesChangedBetween(first, first)).toEqual(new Set());
    expect(placesChangedBetween(first, second)).toEqual(new Set([1]));
    expect(placesChangedBetween(first, third)).toEqual(new Set([1, 3]));
    expect(placesChangedBetween(second, third)).toEqual(new Set([3]));
    expect(placesChangedBetween(third, first)).toEqual(new Set([1, 3]));
    // A sibling made from `first` too (a pass's list beside the lists events made): the places changed on both ways.
    const sibling = first.slice();
    sibling[2] = 'C';
    madeFrom(sibling, first, [2]);
    expect(placesChangedBetween(third, sibling)).toEqual(new Set([1, 2, 3]));
    // A list of another line: nothing is known.
    expect(placesChangedBetween(['a', 'b', 'c', 'd'], third)).toBeUndefined();
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
    expect(placesChangedBetween(start, list)).toBeUndefined();
  });
});
