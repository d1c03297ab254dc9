import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { merged } from './merged.ts';

// V8's own test of hidden classes; functions compiled after the flag is set may use it.
setFlagsFromString('--allow-natives-syntax');
const sameHiddenClass = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

describe('merged', () => {
  it('copies the base and adds or replaces the extra fields, leaving both inputs as they were', () => {
    const base = { apiVersion: 'v1', kind: 'ConfigMap', name: 'a' };
    const result = merged(base, { namespace: 'dev', name: 'b' });
    expect(result).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', name: 'b', namespace: 'dev' });
    expect(base).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', name: 'a' });
  });

  it('keeps a `__proto__` key of either input as a field, never as the copy\'s prototype', () => {
    const labels = JSON.parse('{"app": "web", "__proto__": {"polluted": "yes"}}') as Record<string, unknown>;
    const result = merged(labels, { team: 'a' });
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.keys(result)).toEqual(['app', '__proto__', 'team']);
    expect((result as Record<string, unknown>)['polluted']).toBeUndefined();
    const extra = JSON.parse('{"__proto__": {"polluted": "yes"}}') as Record<string, unknown>;
    expect(Object.keys(merged({ app: 'web' }, extra))).toEqual(['app', '__proto__']);
  });

  it('gives objects made alike one hidden class, also once the call site is warm', () => {
    const place = (name: string) => merged({ apiVersion: 'v1', kind: 'ConfigMap', name }, { namespace: 'dev' });
    const made = Array.from({ length: 50 }, (_, index) => place(`object-${index}`));
    const shared = made.filter((object) => sameHiddenClass(object, made[made.length - 1]!));
    // The first few are made before the inline cache settles; every one after that shares the last one's class.
    expect(shared.length).toBeGreaterThanOrEqual(40);
  });
});
