import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { jsonEqual } from './json-equal.ts';

/** A small random JSON value; few distinct leaves, so equal pairs come up often. */
function randomJson(random: () => number, depth = 0): unknown {
  const pick = Math.floor(random() * (depth > 3 ? 5 : 8));
  switch (pick) {
    case 0: return null;
    case 1: return random() < 0.5;
    case 2: return Math.floor(random() * 3);
    case 3: return ['a', 'b', ''][Math.floor(random() * 3)];
    case 4: return undefined;
    case 5: return Array.from({ length: Math.floor(random() * 3) }, () => randomJson(random, depth + 1));
    default: return Object.fromEntries(Array.from({ length: Math.floor(random() * 3) }, () => [['x', 'y', 'z'][Math.floor(random() * 3)]!, randomJson(random, depth + 1)]));
  }
}

/** A seeded generator, so a failure can be replayed. */
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('jsonEqual', () => {
  it('agrees with isDeepStrictEqual on random JSON-shaped pairs', () => {
    const random = mulberry32(20261202);
    let equalPairs = 0;
    for (let i = 0; i < 20_000; i++) {
      const a = randomJson(random);
      const b = random() < 0.3 ? structuredClone(a) : randomJson(random);
      const expected = isDeepStrictEqual(a, b);
      if (expected) equalPairs++;
      expect(jsonEqual(a, b), JSON.stringify([a, b])).toBe(expected);
    }
    // The generator must produce both outcomes for the comparison to mean anything.
    expect(equalPairs).toBeGreaterThan(1000);
    expect(equalPairs).toBeLessThan(19_000);
  });

  it('tells an array from an object with the same entries, and a missing key from one set to undefined', () => {
    expect(jsonEqual(['a'], { 0: 'a' })).toBe(false);
    expect(jsonEqual({ 0: 'a' }, ['a'])).toBe(false);
    expect(jsonEqual({ a: undefined }, { b: undefined })).toBe(false);
    expect(jsonEqual({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 })).toBe(true);
  });
});
