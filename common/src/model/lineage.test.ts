import { describe, expect, it } from 'vitest';
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
});
