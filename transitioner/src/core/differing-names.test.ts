import { blobId, type RepoFile, type RepoFiles } from '@cascade/common';
import { applyChanges, type FileChanges } from '@cascade/common/git';
import { createPrng } from '@cascade/common/testing';
import { describe, expect, it } from 'vitest';
import { carryVersionIndex, differingNames, versionIndex, type VersionEntry } from './copy-plan.ts';

const NAMES = ['a', 'b', 'c', 'team/d', 'team/e', 'f'];

function file(path: string, kind: RepoFile['kind'], text: string): RepoFile {
  const content = new TextEncoder().encode(text);
  return { path, kind, oid: blobId(content), size: content.byteLength, ...(kind === 'file' || kind === 'executable' ? { content } : {}) };
}

/** The names whose entries differ, by the rule itself: on one side only, another blob, or another place. */
function differingByRule(from: ReadonlyMap<string, VersionEntry>, to: ReadonlyMap<string, VersionEntry>): string[] {
  const names = new Set([...from.keys(), ...to.keys()]);
  return [...names]
    .filter((name) => {
      const a = from.get(name);
      const b = to.get(name);
      return a === undefined || b === undefined || a.file.oid !== b.file.oid || a.file.path.slice('dev/'.length) !== b.file.path.slice('pp/'.length);
    })
    .sort();
}

/** `entries`, counting every walk over it in `walks`. */
function counted(entries: ReadonlyMap<string, VersionEntry>, walks: { count: number }): ReadonlyMap<string, VersionEntry> {
  const map = entries as Map<string, VersionEntry>;
  for (const method of [Symbol.iterator, 'keys', 'values', 'entries', 'forEach'] as const) {
    // The map's own method (a layered map answers from its layers, not from Map's storage).
    const own = map[method] as (...a: unknown[]) => unknown;
    Object.defineProperty(map, method, {
      configurable: true,
      value: (...args: unknown[]) => {
        walks.count++;
        return own.apply(map, args);
      },
    });
  }
  return map;
}

describe('differingNames', () => {
  it('names what the rule names over random pushes, promotions and hand edits, mostly without a walk over the entries', () => {
    const rng = createPrng(23);
    const walks = { count: 0 };
    let steps = 0;
    for (let run = 0; run < 25; run++) {
      const files = new Map<string, RepoFile>();
      for (const env of ['dev', 'pp']) for (const name of NAMES) if (rng.chance(0.8)) files.set(`${env}/version/${name}.yaml`, file(`${env}/version/${name}.yaml`, 'file', `version: ${rng.int(3)}`));
      let tree: RepoFiles = { commit: `r${run}-0`, files };
      for (let step = 1; step <= 20; step++) {
        const changes: FileChanges = {};
        for (let i = 0; i <= rng.int(3); i++) {
          const env = rng.pick(['dev', 'pp']);
          const name = rng.pick(NAMES);
          const roll = rng.int(10);
          if (roll < 2) changes[`${env}/version/${name}.yaml`] = null;
          else if (roll < 3) changes[`${env}/version/${name}.yml`] = `version: ${rng.int(3)}`;
          else if (roll < 4) changes[`${env}/version/${name}.yml`] = null;
          else changes[`${env}/version/${name}.yaml`] = `version: ${rng.int(3)}`;
        }
        const edited = applyChanges(tree, changes);
        // Index the tree read before, as a round did, then the next one from the paths it changed.
        versionIndex(tree);
        const next: RepoFiles = { commit: `r${run}-${step}`, files: edited.files, changes: { since: tree.commit, paths: edited.paths } };
        const index = versionIndex(next);
        const from = counted(index.get('dev') ?? new Map(), walks);
        const to = counted(index.get('pp') ?? new Map(), walks);
        const expected = differingByRule(from, to);
        const before = walks.count;
        const names = [...differingNames('dev', 'pp', from, to)].sort();
        if (walks.count === before) steps++;
        expect(names).toEqual(expected);
        tree = next;
      }
    }
    // Of 500 steps, differingNames walked the entries only where the index was built afresh (a name defined twice).
    expect(steps).toBeGreaterThan(300);
  });

  it('goes from a promotion edited in memory to the next read of the remote without a walk, both made from the tree read before', () => {
    const rng = createPrng(41);
    const walks = { count: 0 };
    const randomChanges = (): FileChanges => {
      const changes: FileChanges = {};
      for (let i = 0; i <= rng.int(3); i++) changes[`${rng.pick(['dev', 'pp'])}/version/${rng.pick(NAMES)}.yaml`] = rng.chance(0.2) ? null : `version: ${rng.int(3)}`;
      return changes;
    };
    for (let run = 0; run < 30; run++) {
      const files = new Map<string, RepoFile>();
      for (const env of ['dev', 'pp']) for (const name of NAMES) if (rng.chance(0.8)) files.set(`${env}/version/${name}.yaml`, file(`${env}/version/${name}.yaml`, 'file', `version: ${rng.int(3)}`));
      const read: RepoFiles = { commit: `m${run}-0`, files };
      const first = versionIndex(read);
      differingNames('dev', 'pp', first.get('dev') ?? new Map(), first.get('pp') ?? new Map());
      // The round's promotion, edited in memory on the tree it read, is compared first.
      const promoted = applyChanges(read, randomChanges());
      carryVersionIndex(read, promoted.files, promoted.paths);
      const inMemory = versionIndex({ commit: '', files: promoted.files });
      differingNames('dev', 'pp', inMemory.get('dev') ?? new Map(), inMemory.get('pp') ?? new Map());
      // Then the next read of the remote, with what changed since the tree read before.
      const pushed = applyChanges(read, randomChanges());
      const index = versionIndex({ commit: `m${run}-1`, files: pushed.files, changes: { since: read.commit, paths: pushed.paths } });
      const from = counted(index.get('dev') ?? new Map(), walks);
      const to = counted(index.get('pp') ?? new Map(), walks);
      const expected = differingByRule(from, to);
      const before = walks.count;
      expect([...differingNames('dev', 'pp', from, to)].sort(), `run ${run}`).toEqual(expected);
      expect(walks.count, `run ${run}`).toBe(before);
    }
  });
});
