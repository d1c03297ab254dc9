import { describe, expect, it } from 'vitest';
import { heapAfterCollection } from '../testing/retained.ts';
import { Lineage } from './lineage.ts';

describe('Lineage', () => {
  it('names the keys changed on both ways to a common ancestor, and only along one line for changedSince', () => {
    const lineage = new Lineage<string>(8);
    const [base, left, leftAgain, right, stranger] = [{}, {}, {}, {}, {}];
    lineage.record(left, base, ['a']);
    lineage.record(leftAgain, left, ['b']);
    lineage.record(right, base, ['c']);
    expect(lineage.changedSince(base, leftAgain)).toEqual(new Set(['a', 'b']));
    expect(lineage.changedSince(right, leftAgain)).toBeUndefined();
    expect(lineage.changedBetween(right, leftAgain)).toEqual(new Set(['a', 'b', 'c']));
    expect(lineage.changedBetween(leftAgain, right)).toEqual(new Set(['a', 'b', 'c']));
    expect(lineage.changedBetween(stranger, right)).toBeUndefined();
  });

  it('gives up past its steps on either way', () => {
    const lineage = new Lineage<number>(4);
    const start = {};
    let value = start;
    for (let step = 0; step < 6; step++) {
      const next = {};
      lineage.record(next, value, [step]);
      value = next;
    }
    expect(lineage.changedSince(start, value)).toBeUndefined();
    expect(lineage.changedBetween(value, start)).toBeUndefined();
  });

  it('relates values across values in between that nobody held any more and were collected', async () => {
    const lineage = new Lineage<number>(8);
    const [base, other] = [{}, {}];
    lineage.record(other, base, [9]);
    // Made in a function of its own, so that nothing of this test's frame holds the values in between.
    const { last, between } = ((): { last: object; between: Array<WeakRef<object>> } => {
      const first = {};
      const second = {};
      const third = {};
      lineage.record(first, base, [1]);
      lineage.record(second, first, [2]);
      lineage.record(third, second, [3]);
      return { last: third, between: [new WeakRef(first), new WeakRef(second)] };
    })();
    // WeakRef targets stay alive until the current job ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    heapAfterCollection();
    expect(between.map((ref) => ref.deref())).toEqual([undefined, undefined]);
    expect(lineage.changedSince(base, last)).toEqual(new Set([1, 2, 3]));
    expect(lineage.changedBetween(other, last)).toEqual(new Set([1, 2, 3, 9]));
    expect(lineage.changedBetween(last, other)).toEqual(new Set([1, 2, 3, 9]));
  });
});
