// Shared history walks against a real repository: a walk over several files answers a later walk over one of them
// exactly as git would, and only when it covers what is asked.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openRepo, type GitRepo, type LogOptions } from '@cascade/common/git';
import { createFixture } from '@cascade/git-fixture';
import { SharedWalks } from './shared-walks.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const A = 'latest/version/cart.yaml';
const B = 'dev/version/cart.yaml';

// Commits alternate between the two files, with one touching neither.
const FIXTURE = `
commits:
  - { name: c1, files: { "${A}": "version: '1'\\n", "${B}": "version: '1'\\n" } }
  - { name: c2, files: { "${A}": "version: '2'\\n" } }
  - { name: c3, files: { "${B}": "version: '2'\\n" } }
  - { name: c4, files: { README.md: "hello\\n" } }
  - { name: c5, files: { "${A}": "version: '3'\\n" } }
  - { name: c6, files: { "${B}": "version: '3'\\n" } }
`;

/** A real repo whose history walks are counted. */
async function countedRepo(): Promise<{ repo: GitRepo; head: string; walks: () => number }> {
  const fx = await createFixture(FIXTURE);
  const dir = await mkdtemp(join(tmpdir(), 'cascade-walks-'));
  const repo = await openRepo({ url: fx.remote, branch: 'main', dir: join(dir, 'repo.git') });
  cleanups.push(async () => {
    await repo.close();
    await rm(dir, { recursive: true, force: true });
    await fx.cleanup();
  });
  let count = 0;
  const counted: GitRepo = { ...repo, log: (options: LogOptions) => (count++, repo.log(options)) };
  return { repo: counted, head: (await repo.fetch()) ?? '', walks: () => count };
}

const ids = (commits: Array<{ commit: string }>) => commits.map((c) => c.commit);

describe('shared history walks', () => {
  it("answers one file's history from a walk over several at the same head, as git would", async () => {
    const { repo, head, walks } = await countedRepo();
    const shared = new SharedWalks(repo);
    const base = { from: head, firstParent: true, changes: true };
    await shared.log({ ...base, limit: 200, paths: [A, B] });
    const served = await shared.log({ ...base, limit: 2, paths: [A] });
    expect(walks()).toBe(1);
    expect(ids(served)).toEqual(ids(await repo.log({ ...base, limit: 2, paths: [A] })));
    expect(ids(await shared.log({ ...base, limit: 20, paths: [B] }))).toEqual(ids(await repo.log({ ...base, limit: 20, paths: [B] })));
    expect(walks()).toBe(3);
  });

  it('asks git when the earlier walk stopped at its limit before covering what is asked, or the head moved', async () => {
    const { repo, head, walks } = await countedRepo();
    const shared = new SharedWalks(repo);
    const base = { from: head, firstParent: true, changes: true };
    // Two commits: c6 (B) and c5 (A), so A's history beyond its newest commit is not in it.
    await shared.log({ ...base, limit: 2, paths: [A, B] });
    const asked = await shared.log({ ...base, limit: 3, paths: [A] });
    expect(walks()).toBe(2);
    expect(asked).toHaveLength(3);
    // A walk from another head is its own.
    const parent = asked[0]!.parents[0]!;
    await shared.log({ ...base, from: parent, limit: 1, paths: [A] });
    expect(walks()).toBe(3);
  });
});
