import { blobId, type RepoFile, type RepoFiles } from '@cascade/common';
import { applyChanges, type FileChanges } from '@cascade/common/git';
import { describe, expect, it } from 'vitest';
import { carryVersionIndex, indexVersionEntries, updateVersionIndex, versionIndex, type VersionIndex } from './copy-plan.ts';

const ENVS = ['latest', 'dev'];
const NAMES = ['a', 'b', 'team/c', 'team/d', 'Bad Name'];
const FOLDERS = ['version', 'base', 'deployable'];

/** An index as plain data, so two built differently compare equal when they say the same. */
function plain(index: VersionIndex): Array<[string, Array<[string, string, string, boolean]>]> {
  return [...index]
    .map(([env, byName]): [string, Array<[string, string, string, boolean]>] => [env, [...byName].map(([name, entry]): [string, string, string, boolean] => [name, entry.file.path, entry.file.oid, entry.readable]).sort()])
    .sort();
}

function entry(path: string, kind: RepoFile['kind'], text: string): RepoFile {
  const content = new TextEncoder().encode(text);
  return { path, kind, oid: blobId(content), size: content.byteLength, ...(kind === 'file' || kind === 'executable' ? { content } : {}) };
}

describe('the version index worked out from the paths an edit changed', () => {
  it('equals the index of the whole tree, over random edits (names defined twice, folders, symlinks, refused names)', () => {
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const somePath = () => `${pick(ENVS)}/${pick(FOLDERS)}/${pick(NAMES)}${pick(['.yaml', '.yml', '.txt'])}`;
    let updatedOnly = 0;
    for (let run = 0; run < 60; run++) {
      const files = new Map<string, RepoFile>();
      for (let i = 0; i < 12; i++) {
        const path = somePath();
        files.set(path, entry(path, pick(['file', 'file', 'symlink', 'executable']), `version: ${Math.floor(random() * 3)}`));
      }
      files.set('README.md', entry('README.md', 'file', 'hello'));
      let tree: RepoFiles = { commit: `c${run}-0`, files };
      for (let step = 1; step <= 8; step++) {
        const changes: FileChanges = {};
        for (let i = 0; i < 1 + Math.floor(random() * 3); i++) {
          const roll = random();
          if (roll < 0.2) changes[`${pick(ENVS)}/version/team`] = null;
          else if (roll < 0.5) changes[somePath()] = null;
          else changes[random() < 0.1 ? `${pick(ENVS)}/version/a.yaml/x.yaml` : somePath()] = `version: ${Math.floor(random() * 3)}`;
        }
        const edited = applyChanges(tree, changes);
        const full = plain(indexVersionEntries(edited.files));
        const updated = updateVersionIndex(indexVersionEntries(tree.files), edited.files, edited.paths);
        if (updated !== undefined) {
          updatedOnly++;
          expect(plain(updated)).toEqual(full);
        }
        // As the tree reader reports a commit's changes since the one read before it.
        versionIndex(tree);
        const next: RepoFiles = { commit: `c${run}-${step}`, files: edited.files, changes: { since: tree.commit, paths: edited.paths } };
        expect(plain(versionIndex(next))).toEqual(full);
        tree = next;
      }
    }
    // Most edits were worked out from the paths, not refused for a name defined twice.
    expect(updatedOnly).toBeGreaterThan(300);
  });

  it('is taken over by a tree edited in memory, and never from a tree the changes are not since', () => {
    const files = new Map<string, RepoFile>([['dev/version/a.yaml', entry('dev/version/a.yaml', 'file', 'version: 1')]]);
    const first: RepoFiles = { commit: 'one', files };
    expect(plain(versionIndex(first))).toEqual([['dev', [['a', 'dev/version/a.yaml', files.get('dev/version/a.yaml')!.oid, true]]]]);

    const edited = applyChanges(first, { 'dev/version/b.yaml': 'version: 2' });
    carryVersionIndex(first, edited.files, edited.paths);
    expect(plain(versionIndex({ commit: '', files: edited.files })).map(([, names]) => names.map(([name]) => name))).toEqual([['a', 'b']]);

    // Changes said to be since another commit are not applied to the last index: the whole tree is read.
    const other = new Map(files);
    other.set('dev/version/c.yaml', entry('dev/version/c.yaml', 'file', 'version: 3'));
    const unrelated: RepoFiles = { commit: 'three', files: other, changes: { since: 'elsewhere', paths: [] } };
    expect(plain(versionIndex(unrelated)).map(([, names]) => names.map(([name]) => name))).toEqual([['a', 'c']]);
  });

  it('leaves a name defined twice to the whole tree', () => {
    const files = new Map<string, RepoFile>([
      ['dev/version/a.yaml', entry('dev/version/a.yaml', 'file', 'version: 1')],
      ['dev/version/a.yml', entry('dev/version/a.yml', 'file', 'version: 2')],
    ]);
    const edited = applyChanges({ commit: 'x', files }, { 'dev/version/a.yml': 'version: 3' });
    expect(updateVersionIndex(indexVersionEntries(files), edited.files, edited.paths)).toBeUndefined();
  });
});
