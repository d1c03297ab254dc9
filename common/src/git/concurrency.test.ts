// Fifty writers in one process and a person pushing with plain git in another, all on one branch: nothing lost, nothing doubled, nothing acknowledged early.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it } from 'vitest';
import { createFixture, startPersonPushing } from '@cascade/git-fixture';
import { openRepo, type WriteResult } from './index.ts';
import { removeDir, tempCacheDir } from '../testing/git-helpers.ts';

const WRITERS = 50;
const PERSON_COMMITS = 25;


const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('lands every write exactly once while a plain git client pushes to the same branch', async () => {
  const fx = await createFixture({ commits: [{ name: 'base', files: { 'README.md': 'resource repo\n' } }] });
  cleanups.push(() => fx.cleanup());
  const dir = tempCacheDir();
  cleanups.push(() => removeDir(dir));
  const repo = await openRepo({ url: fx.remote, branch: 'main', dir, maxAttempts: 50, backoffMs: 20 });
  cleanups.push(() => repo.close());
  const clone = await fx.clone();

  const personDone = startPersonPushing(clone, PERSON_COMMITS, 'person');

  // Writers arrive spread over a short while, so some go alone and some are pushed together in one chain.
  const results: WriteResult[] = await Promise.all(
    Array.from({ length: WRITERS }, async (_, index) => {
      await sleep((index % 25) * 40);
      return repo.write((current) => {
        const path = `writers/w-${index}.txt`;
        if (current.files.has(path)) return null;
        return { changes: { [path]: `writer ${index}\n` }, message: `Writer ${index}`, trailers: [['Cascade-Type', 'Version']] };
      });
    }),
  );
  expect(await personDone).toEqual({ exitCode: 0, stderr: '' });

  // Every write was acknowledged as its own new commit…
  expect(results.every((result) => result.kind === 'committed')).toBe(true);
  expect(new Set(results.map((result) => result.commit)).size).toBe(WRITERS);
  // …that is on the remote branch…
  const head = (await fx.git('rev-parse', 'main')).trim();
  const onBranch = new Set((await fx.git('rev-list', head)).trim().split('\n'));
  for (const result of results) expect(onBranch.has(result.commit)).toBe(true);
  // …and each file was added by exactly one commit: the acknowledged one. The person's commits are all there too.
  const log = await fx.git('log', '--format=>%H', '--name-only', '--diff-filter=A', head);
  const addedBy = new Map<string, string[]>();
  let commit = '';
  for (const line of log.split('\n')) {
    if (line.startsWith('>')) commit = line.slice(1);
    else if (line !== '') addedBy.set(line, [...(addedBy.get(line) ?? []), commit]);
  }
  results.forEach((result, index) => expect(addedBy.get(`writers/w-${index}.txt`)).toEqual([result.commit]));
  for (let i = 1; i <= PERSON_COMMITS; i++) expect(addedBy.get(`person/person-${i}.txt`)).toHaveLength(1);
  const tree = (await fx.git('ls-tree', '-r', '--name-only', head)).trim().split('\n');
  expect(tree).toHaveLength(1 + WRITERS + PERSON_COMMITS);
});
