import { describe, expect, it } from 'vitest';
import type { RepoFile } from './files.ts';
import { LayeredMap } from './layered-map.ts';

const file = (path: string, version: number): RepoFile => ({ path, kind: 'file', oid: `${path}@${version}`, size: version });

/** What a plain Map holds in the order a layered one promises: the base's order, added paths last. */
function expectSame(actual: Map<string, RepoFile>, expected: Map<string, RepoFile>): void {
  expect(actual.size).toBe(expected.size);
  expect(new Map(actual)).toEqual(expected);
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  expect([...actual.values()]).toEqual([...actual.keys()].map((path) => expected.get(path)));
  for (const path of expected.keys()) expect(actual.get(path)).toBe(expected.get(path));
  const seen: string[] = [];
  actual.forEach((value, path, map) => {
    expect(map).toBe(actual);
    expect(value).toBe(expected.get(path));
    seen.push(path);
  });
  expect(seen).toEqual([...actual.keys()]);
}

describe('LayeredMap', () => {
  it('answers as the plain map of the same files, through random commits that add, change and remove paths', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const paths = Array.from({ length: 400 }, (_, index) => `env/version/r${index}.yaml`);
    let expected = new Map(paths.slice(0, 300).map((path) => [path, file(path, 0)]));
    let actual: Map<string, RepoFile> = new Map(expected);
    let layered = 0;
    for (let commit = 1; commit <= 120; commit++) {
      const changed = new Map<string, RepoFile | undefined>();
      // Mostly small commits; now and then a large one, which flattens the layers into a plain map.
      const count = random() < 0.1 ? 150 : 1 + Math.floor(random() * 6);
      for (let i = 0; i < count; i++) {
        const path = paths[Math.floor(random() * paths.length)]!;
        changed.set(path, random() < 0.25 ? undefined : random() < 0.2 ? expected.get(path) : file(path, commit));
      }
      const previous = actual;
      const before = new Map(previous);
      actual = LayeredMap.next(previous, changed);
      if (actual instanceof LayeredMap) layered++;
      expected = new Map(expected);
      for (const [path, value] of changed) {
        if (value === undefined) expected.delete(path);
        else expected.set(path, value);
      }
      expectSame(actual, expected);
      // The map it was made from is as it was.
      expect(new Map(previous)).toEqual(before);
    }
    expect(layered).toBeGreaterThan(60);
  });

  it('keeps the base order, a changed file in its place and added ones last', () => {
    const base = new Map(['a', 'b', 'c'].map((path) => [path, file(path, 0)]));
    const next = LayeredMap.next(base, new Map([['d', file('d', 1)], ['b', file('b', 1)], ['a', undefined]]));
    expect([...next.keys()]).toEqual(['b', 'c', 'd']);
    expect(next.get('b')?.size).toBe(1);
    expect(next.has('a')).toBe(false);
  });

  it('changes only itself when set, deleted or cleared, never the map it shares entries with', () => {
    const [a, b, a2, e2] = [file('a', 0), file('b', 0), file('a', 2), file('e', 2)];
    const base = new Map([['a', a], ['b', b]]);
    const next = LayeredMap.next(base, new Map([['c', file('c', 1)]]));
    next.set('a', a2).set('e', e2);
    expect(next.delete('b')).toBe(true);
    expect(next.delete('b')).toBe(false);
    expect(next.delete('c')).toBe(true);
    expectSame(next, new Map([['a', a2], ['e', e2]]));
    expectSame(base, new Map([['a', a], ['b', b]]));
    next.clear();
    expect(next.size).toBe(0);
    expect([...next]).toEqual([]);
    expect(base.size).toBe(2);
  });

  it('derives maps to change freely, each answering as its plain copy while the maps before it stay as they were', () => {
    let seed = 11;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const paths = Array.from({ length: 1200 }, (_, index) => `key-${index}`);
    // Every map derived so far with the plain map it must equal; none of them is changed once the next is derived.
    const history: Array<[Map<string, RepoFile>, Map<string, RepoFile>]> = [];
    let actual: Map<string, RepoFile> = new Map(paths.slice(0, 1000).map((path) => [path, file(path, 0)]));
    let expected = new Map(actual);
    let layered = 0;
    for (let step = 1; step <= 100; step++) {
      history.push([actual, expected]);
      actual = LayeredMap.derive(actual);
      expected = new Map(expected);
      if (actual instanceof LayeredMap) layered++;
      // Derived and not changed yet (a layered map then iterates its base as it is).
      expectSame(actual, expected);
      // Mostly a few keys claimed again; now and then many, which flattens the layers into a plain map.
      const count = random() < 0.05 ? 400 : 1 + Math.floor(random() * 8);
      for (let i = 0; i < count; i++) {
        const path = paths[Math.floor(random() * paths.length)]!;
        if (random() < 0.4) expect(actual.delete(path)).toBe(expected.delete(path));
        else {
          const value = random() < 0.2 && expected.has(path) ? expected.get(path)! : file(path, step);
          actual.set(path, value);
          expected.set(path, value);
        }
      }
      expectSame(actual, expected);
    }
    for (const [map, plain] of history.slice(-20)) expect(new Map(map)).toEqual(plain);
    expect(layered).toBeGreaterThan(70);
  });
});
