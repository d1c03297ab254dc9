// Commit ids computed in memory must be the ones fast-import writes, or a batch would name commits that do not exist.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { RepoFile } from '../repo/files.ts';
import { createPrng } from '../testing/prng.ts';
import { startCommitChain } from './commit-chain.ts';
import { runGit } from './run-git.ts';
import { applyChangesInPlace, type TreeOperation } from './tree-edit.ts';
import { TreeIds } from './tree-ids.ts';
import type { FileChanges } from './types.ts';

/** Commits each step's operations through fast-import in a new repository and checks the id `ids` predicted for it. */
type CommitAndCheck = (step: number, operations: readonly TreeOperation[], ids: TreeIds, message: string) => Promise<void>;

/** Runs `walk` on a chain of commits in a new bare repository, removed afterwards. */
async function withChain(walk: (commitAndCheck: CommitAndCheck) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cascade-tree-ids-'));
  try {
    await runGit(['init', '--bare', '--quiet', '.'], { cwd: dir });
    const chain = startCommitChain(dir);
    let parent: string | null = null;
    try {
      await walk(async (step, operations, ids, message) => {
        const commit = { parent, operations: [...operations], message, author: { name: 'Ä Author', email: 'a@example.com' }, committer: { name: 'Cascade', email: 'c@example.com' }, time: new Date(1_700_000_000_000 + step * 1000) };
        const predicted = ids.commitId(commit);
        parent = await chain.commit(commit);
        expect([step, predicted]).toEqual([step, parent]);
      });
    } finally {
      await chain.finish();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

it('predicts the id of every commit of a chain, through new folders, deletions, replaced folders and non-ASCII names', async () => {
  const files = new Map<string, RepoFile>();
  const ids = new TreeIds(files.values());
  const edits: FileChanges[] = [
    { 'transitions.yaml': 'transitions: {}\n', 'dev/version/shop/cart.yaml': 'version: "1"\n', 'dev/base/shop/cart.yaml': 'kind: ConfigMap\n' },
    { 'dev/version/shop/cart.yaml': 'version: "2"\n', 'dev/version/ä-ü.yaml': 'version: "1"\n', 'dev/version/shop-x.yaml': 'a\n', 'dev/version/shop.yaml': 'b\n' },
    { 'dev/base/shop/cart.yaml': null },
    { 'dev/version/shop': 'a file where a folder was\n', 'notes/deep/er/file.txt': 'x' },
    { 'notes/deep/er/file.txt/inner': 'a folder where a file was' },
    { notes: null, 'dev/version/shop': null },
  ];
  await withChain(async (commitAndCheck) => {
    for (const [i, changes] of edits.entries()) {
      const { operations } = applyChangesInPlace(files, changes);
      ids.apply(operations);
      await commitAndCheck(i, operations, ids, `edit ${i}\n\nCascade-Type: Version\n`);
    }
  });
});

it('predicts the ids of a long random walk of edits, most of them rewriting files folders already hold', async () => {
  const prng = createPrng(13);
  const files = new Map<string, RepoFile>();
  // Two folders of well over a hundred entries, whose tree objects are kept and patched, as an environment's folder of
  // resources is, and small ones, serialized afresh; names that sort differently as folders.
  const paths = Array.from({ length: 300 }, (_, i) => `${prng.pick(['dev', 'pp'])}/${i < 40 ? 'base' : 'version'}/svc-${i}${prng.pick(['', '-a', '.x'])}.yaml`);
  let ids = new TreeIds(files.values());
  await withChain(async (commitAndCheck) => {
    const { operations } = applyChangesInPlace(files, Object.fromEntries(paths.map((path) => [path, 'version: "0"\n'])));
    ids.apply(operations);
    await commitAndCheck(0, operations, ids, 'all files\n');
    for (let i = 1; i < 150; i++) {
      const changes: FileChanges = {};
      for (let n = 1 + prng.int(3); n > 0; n--) {
        const path = prng.pick(paths);
        const roll = prng.next();
        // Files written into and deleted from a few folders inside the large ones: a large folder whose entry is a
        // folder that changed below it.
        const inner = `${path.slice(0, path.lastIndexOf('/'))}/sub-${prng.int(4)}/inner-${prng.int(2)}.yaml`;
        if (roll < 0.6) changes[path] = `version: "${i}.${n}"\n`;
        else if (roll < 0.7) changes[path] = null;
        else if (roll < 0.8) changes[inner] = null;
        else changes[inner] = `x: ${i}\n`;
      }
      const { operations } = applyChangesInPlace(files, changes);
      if (operations.length === 0 || files.size === 0) continue;
      // Now and then a fresh start from the files, as a chain on a head this queue did not land begins.
      if (prng.chance(0.1)) ids = new TreeIds(files.values());
      else ids.apply(operations);
      await commitAndCheck(i, operations, ids, `walk ${i}\n`);
    }
  });
});
