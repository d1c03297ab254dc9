// Lists of one line tell the places where they may differ, over a few steps; lists of other lines are not known.
import { describe, expect, it } from 'vitest';
import { createPrng } from '../testing/prng.ts';
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

  it('never leaves out a place where two related lists differ, over random trees of lists', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const prng = createPrng(seed);
      const lists: Array<{ items: object[]; depth: number }> = [{ items: Array.from({ length: 12 }, () => ({})), depth: 0 }];
      for (let n = 0; n < 30; n++) {
        // Made from a recent list most often (as statuses are), sometimes from an older one (a sibling line).
        const parent = lists[Math.max(0, lists.length - 1 - prng.int(prng.chance(0.7) ? 2 : lists.length))]!;
        const items = parent.items.slice();
        const replaced = Array.from({ length: prng.int(3) }, () => prng.int(items.length));
        for (const place of replaced) items[place] = {};
        madeFrom(items, parent.items, replaced);
        lists.push({ items, depth: parent.depth + 1 });
      }
      for (let pair = 0; pair < 60; pair++) {
        const a = prng.pick(lists).items;
        const b = prng.pick(lists).items;
        const places = placesChangedBetween(a, b);
        if (places === undefined) continue;
        for (let place = 0; place < a.length; place++) if (!places.has(place)) expect(a[place]).toBe(b[place]);
      }
      // A list and the one it was made from are always related.
      expect(placesChangedBetween(lists[0]!.items, lists[1]!.items)).toBeDefined();
    }
  });
});
