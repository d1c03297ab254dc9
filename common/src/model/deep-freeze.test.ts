import { describe, expect, it } from 'vitest';
import { deepFreeze } from './deep-freeze.ts';

describe('deepFreeze', () => {
  it('freezes every object and array a value reaches, and returns the value', () => {
    const value = { a: [{ b: 1 }, [2]], c: { d: { e: 'x' } }, f: null, g: 'text' };
    expect(deepFreeze(value)).toBe(value);
    for (const part of [value, value.a, value.a[0], value.a[1], value.c, value.c.d]) expect(Object.isFrozen(part)).toBe(true);
  });

  it('does not enter an object frozen before: a new tree costs its new parts', () => {
    // A frozen object holding an unfrozen one can only come from elsewhere; it shows the walk stopped there.
    const shared = Object.freeze({ inner: { left: 'alone' } });
    const tree = deepFreeze({ fresh: { n: 1 }, shared });
    expect(Object.isFrozen(tree.fresh)).toBe(true);
    expect(Object.isFrozen(shared.inner)).toBe(false);
  });
});
