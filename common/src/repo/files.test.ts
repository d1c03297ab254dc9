import { describe, expect, it } from 'vitest';
import { createPrng } from '../testing/prng.ts';
import { differingPaths, type RepoFile } from './files.ts';
import { LayeredMap } from './layered-map.ts';

const file = (path: string, version: number): RepoFile => ({ path, kind: 'file', oid: `${path}@${version}`, size: version });
const sameOid = (a: RepoFile, b: RepoFile) => a.oid === b.oid;

describe('differingPaths', () => {
  it('finds from two layers over one base what a walk of both finds, however they were changed', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rng = createPrng(seed);
      const paths = Array.from({ length: 300 }, (_, index) => `env/version/r${index}.yaml`);
      const base = new Map(paths.slice(0, 250).map((path) => [path, file(path, 0)]));
      // Two trees made from the base: a read and a write's tree, each changed on its own (some changes alike).
      const change = (map: Map<string, RepoFile>, count: number) => {
        for (let i = 0; i < count; i++) {
          const path = rng.pick(paths);
          if (rng.chance(0.3)) map.delete(path);
          else map.set(path, rng.chance(0.3) ? (base.get(path) ?? file(path, 1)) : file(path, rng.int(3)));
        }
      };
      const before = LayeredMap.derive(base);
      change(before, rng.int(12));
      const after = rng.chance(0.3) ? LayeredMap.derive(before) : LayeredMap.derive(base);
      change(after, rng.int(12));
      const layered = differingPaths({ commit: 'a', files: before }, { commit: 'b', files: after }, sameOid);
      const walked = differingPaths({ commit: 'a', files: new Map(before) }, { commit: 'b', files: new Map(after) }, sameOid);
      expect(layered.sort(), `seed ${seed}`).toEqual(walked.sort());
    }
  });

  it('walks both trees when they share no base', () => {
    const one = LayeredMap.derive(new Map([['a', file('a', 0)]]));
    const other = LayeredMap.derive(new Map([['a', file('a', 1)], ['b', file('b', 0)]]));
    expect(LayeredMap.keysThatMayDiffer(one, other)).toBeUndefined();
    expect(differingPaths({ commit: 'a', files: one }, { commit: 'b', files: other }, sameOid).sort()).toEqual(['a', 'b']);
  });
});
