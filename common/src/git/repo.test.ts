// The git layer against real bare remotes built by git-fixture: reads, incremental re-reads, writes, retries, history.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFixture, type GitFixture } from '@cascade/git-fixture';
import { GitPushRejectedError, InvalidEditPathError, openRepo, type GitRepo, type OpenRepoOptions } from './index.ts';
import { pushAsPerson, removeDir, tempCacheDir, text } from '../testing/git-helpers.ts';
import { SharedReads } from '../repo/shared-reads.ts';
import { errorKind } from '../service/loop/error-kinds.ts';

const FIXTURE = `
commits:
  - name: base
    files:
      dev/version/shop/cart.yaml: "version: '1.0'\\n"
      dev/version/shop/checkout.yaml: "version: '2.0'\\n"
      dev/base/shop/cart.yaml: "kind: Deployment\\n"
      prod/locks.yaml: "env_lock: null\\n"
      scripts/run: { executable: "#!/bin/sh\\n" }
      link: { symlink: prod/locks.yaml }
  - name: bump
    message: "Bump cart\\n\\nSome body text.\\n\\nCascade-Type: Version\\nCascade-Resource: shop/cart"
    files:
      dev/version/shop/cart.yaml: "version: '1.1'\\n"
`;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: Partial<OpenRepoOptions> = {}): Promise<{ fx: GitFixture; repo: GitRepo }> {
  const fx = await createFixture(FIXTURE);
  cleanups.push(() => fx.cleanup());
  return { fx, repo: await openClone(fx, options) };
}

/** Another clone of the fixture's remote, in a directory of its own. */
async function openClone(fx: GitFixture, options: Partial<OpenRepoOptions> = {}): Promise<GitRepo> {
  const dir = tempCacheDir();
  cleanups.push(() => removeDir(dir));
  const repo = await openRepo({ url: fx.remote, branch: 'main', dir, now: () => new Date('2030-01-02T03:04:05Z'), ...options });
  cleanups.push(() => repo.close());
  return repo;
}

const setCart = (version: string) => () => ({ changes: { 'dev/version/shop/cart.yaml': `version: '${version}'\n` }, message: `Cart ${version}` });

/**
 * The head and `count` commits on it, each writing or deleting some of `pool` at random (seeded): whole folders
 * deleted, some added, files rewritten with a few contents (equal blobs at other paths).
 */
async function randomCommits(repo: GitRepo, pool: string[], seed: number, count: number): Promise<string[]> {
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const commits = [(await repo.head()) ?? ''];
  for (let i = 0; i < count; i++) {
    const changes: Record<string, string | null> = {};
    for (const path of pool) if (random() < 0.35) changes[path] = random() < 0.3 ? null : `v: ${Math.floor(random() * 3)}\n`;
    commits.push((await repo.write(() => ({ changes, message: `Change ${i}` }))).commit);
  }
  return commits;
}

describe('reading', () => {
  it('reads every entry of a commit with contents, kinds and sizes, without a work tree', async () => {
    const { fx, repo } = await setup();
    expect(await repo.head()).toBe(fx.commits.bump);
    const files = await repo.readFiles(fx.commits.bump ?? '');
    expect([...files.files.keys()].sort()).toEqual(['dev/base/shop/cart.yaml', 'dev/version/shop/cart.yaml', 'dev/version/shop/checkout.yaml', 'link', 'prod/locks.yaml', 'scripts/run']);
    expect(text(files, 'dev/version/shop/cart.yaml')).toBe("version: '1.1'\n");
    expect(files.files.get('scripts/run')).toMatchObject({ kind: 'executable', size: 10 });
    expect(files.files.get('link')).toMatchObject({ kind: 'symlink', size: 'prod/locks.yaml'.length });
    expect(files.files.get('link')?.content).toBeUndefined();
  });

  it('re-reads only the subtrees and blobs that changed', async () => {
    const { fx, repo } = await setup();
    await repo.readFiles(fx.commits.base ?? '');
    const before = repo.readStats();
    await repo.readFiles(fx.commits.bump ?? '');
    const after = repo.readStats();
    // root, dev, dev/version, dev/version/shop changed; dev/base, prod, scripts did not.
    expect(after.treesRead - before.treesRead).toBe(4);
    expect(after.blobsRead - before.blobsRead).toBe(1);
    await repo.readFiles(fx.commits.bump ?? '');
    expect(repo.readStats()).toEqual(after);
  });

  it('answers a second read of the commit it read last with the same files, building nothing again', async () => {
    const { fx, repo } = await setup();
    const first = await repo.readFiles(fx.commits.bump ?? '');
    expect(await repo.readFiles(fx.commits.bump ?? '')).toBe(first);
    const other = await repo.readFiles(fx.commits.base ?? '');
    expect(other).not.toBe(first);
    expect(other.files.get('dev/version/shop/cart.yaml')?.oid).not.toBe(first.files.get('dev/version/shop/cart.yaml')?.oid);
  });

  it('tells the paths that changed since the commit it read before, by comparing subtree ids, as comparing every path would', async () => {
    const { repo } = await setup();
    const pool = ['dev/version/shop/cart.yaml', 'dev/version/shop/new.yaml', 'dev/version/team/api.yaml', 'pp/version/shop/cart.yaml', 'pp/base/shop/cart.yaml', 'top.yaml', 'deep/a/b/c.yaml', 'deep/a/d.yaml'];
    const commits = await randomCommits(repo, pool, 11, 12);
    // Read in order, then back and forth: each read is compared with the one before it.
    const order = [...commits, commits[3]!, commits[9]!, commits[0]!, commits[12]!];
    let previous = await repo.readFiles(order[0]!);
    for (const commit of order.slice(1)) {
      const files = await repo.readFiles(commit);
      const differs = [...new Set([...previous.files.keys(), ...files.files.keys()])].filter((path) => {
        const [a, b] = [previous.files.get(path), files.files.get(path)];
        return a?.oid !== b?.oid || a?.kind !== b?.kind;
      });
      if (commit !== previous.commit) {
        expect(files.changes?.since).toBe(previous.commit);
        expect([...(files.changes?.paths ?? [])].sort()).toEqual(differs.sort());
        // The same paths git's own comparison names (the transitioner takes these in place of asking git).
        expect([...(files.changes?.paths ?? [])].sort()).toEqual((await repo.changedPaths(previous.commit, commit)).sort());
      }
      previous = files;
    }
  });

  it('reads each commit, one after another or back and forth, as git lists its tree, sharing the entries that did not change', async () => {
    const { fx, repo } = await setup();
    // `deep/a` is a file where a folder was, now and then, and back.
    const pool = ['dev/version/shop/cart.yaml', 'dev/version/shop/new.yaml', 'dev/version/team/api.yaml', 'pp/version/shop/cart.yaml', 'top.yaml', 'deep/a/b/c.yaml', 'deep/a/d.yaml', 'deep/a'];
    const commits = await randomCommits(repo, pool, 5, 10);
    const listed = async (commit: string) => (await fx.git('ls-tree', '-r', '--format=%(path) %(objectname)', commit)).trim().split('\n').sort();
    let previous = await repo.readFiles(commits[0]!);
    for (const commit of [...commits.slice(1), commits[2]!, commits[7]!, commits[0]!, commits[10]!]) {
      const files = await repo.readFiles(commit);
      const entries = [...files.files].map(([path, file]) => `${path} ${file.oid}`).sort();
      expect(entries).toEqual(await listed(commit));
      expect(files.files.size).toBe(entries.length);
      for (const [path, file] of files.files) {
        expect(files.files.get(path)).toBe(file);
        if (file.kind === 'file') expect(text(files, path)).toBe(await fx.git('cat-file', 'blob', file.oid));
        // An entry the commit did not change is the very one the read before handed out.
        if (!(files.changes?.paths ?? []).includes(path) && files.changes?.since === previous.commit) expect(file).toBe(previous.files.get(path));
      }
      if (files.changes?.since === previous.commit) expect([...files.changes.paths].sort()).toEqual((await repo.changedPaths(previous.commit, commit)).sort());
      for (const path of pool) expect(files.files.has(path)).toBe(entries.some((entry) => entry.startsWith(`${path} `)));
      previous = files;
    }
  });

  it('lists files above the size bound without reading them', async () => {
    const { fx, repo } = await setup({ maxFileBytes: 12 });
    const files = await repo.readFiles(fx.commits.bump ?? '');
    expect(files.files.get('dev/base/shop/cart.yaml')).toMatchObject({ size: 17 });
    expect(files.files.get('dev/base/shop/cart.yaml')?.content).toBeUndefined();
  });

  it('takes what another clone of the process read when both share reads, under the same size bound only', async () => {
    const sharedReads = new SharedReads();
    const { fx, repo } = await setup({ sharedReads });
    const [other, bounded, apart] = [await openClone(fx, { sharedReads }), await openClone(fx, { sharedReads, maxFileBytes: 12 }), await openClone(fx)];
    const head = fx.commits.bump ?? '';
    const mine = await repo.readFiles(head);
    const [theirs, small, own] = [await other.readFiles(head), await bounded.readFiles(head), await apart.readFiles(head)];
    expect(other.readStats()).toEqual({ treesRead: 0, blobsRead: 0 });
    expect(theirs.files.get('dev/version/shop/cart.yaml')).toBe(mine.files.get('dev/version/shop/cart.yaml'));
    expect(text(theirs, 'dev/version/shop/cart.yaml')).toBe("version: '1.1'\n");
    // Under a smaller bound the trees are taken, and the blobs within it; a larger one is listed without content.
    expect(bounded.readStats().treesRead).toBe(0);
    expect(small.files.get('scripts/run')?.content).toBe(mine.files.get('scripts/run')?.content);
    expect(small.files.get('dev/base/shop/cart.yaml')?.size).toBe(17);
    expect(small.files.get('dev/base/shop/cart.yaml')?.content).toBeUndefined();
    expect(text(mine, 'dev/base/shop/cart.yaml')).toBe('kind: Deployment\n');
    // A clone that does not share reads reads everything itself.
    expect(apart.readStats().treesRead).toBeGreaterThan(0);
    expect(own.files.get('dev/version/shop/cart.yaml')).toEqual(mine.files.get('dev/version/shop/cart.yaml'));
    expect(own.files.get('dev/version/shop/cart.yaml')).not.toBe(mine.files.get('dev/version/shop/cart.yaml'));
  });

  it('pages history with trailers parsed and lists changed paths', async () => {
    const { fx, repo } = await setup();
    const [bump, ...rest] = await repo.log({ limit: 1 });
    expect(rest).toEqual([]);
    expect(bump).toMatchObject({ commit: fx.commits.bump, parents: [fx.commits.base], subject: 'Bump cart', body: 'Some body text.' });
    expect(bump?.trailers).toEqual([['Cascade-Type', 'Version'], ['Cascade-Resource', 'shop/cart']]);
    const next = await repo.log({ from: bump?.parents[0], limit: 10, firstParent: true });
    expect(next.map((c) => c.commit)).toEqual([fx.commits.base]);
    expect(await repo.changedPaths(fx.commits.base ?? '', fx.commits.bump ?? '')).toEqual(['dev/version/shop/cart.yaml']);
  });
});

describe('writing', () => {
  it('commits on the head with trailers, author and the injected time, and the remote has it when the write resolves', async () => {
    const { fx, repo } = await setup();
    const result = await repo.write(() => ({
      changes: { 'dev/version/shop/cart.yaml': "version: '1.2'\n", 'dev/version/shop/checkout.yaml': null },
      message: 'Cart 1.2\n\nChangelog line',
      trailers: [['Cascade-Type', 'Version'], ['Cascade-Env', 'dev']],
      author: { name: 'CI', email: 'ci@example.com' },
    }));
    expect(result).toMatchObject({ kind: 'committed', attempts: 1 });
    expect(await fx.readRef('main')).toBe(result.commit);
    expect(await fx.git('log', '-1', '--format=%an <%ae>|%cn|%aI|%P', 'main')).toBe(`CI <ci@example.com>|Cascade|2030-01-02T03:04:05+00:00|${fx.commits.bump}\n`);
    expect(await fx.git('log', '-1', '--format=%B', 'main')).toBe('Cart 1.2\n\nChangelog line\n\nCascade-Type: Version\nCascade-Env: dev\n\n');
    expect(await fx.readFile('main', 'dev/version/shop/cart.yaml')).toBe("version: '1.2'\n");
    expect(await fx.readFile('main', 'dev/version/shop/checkout.yaml')).toBeNull();
    expect(await repo.head()).toBe(result.commit);
  });

  it('makes no second commit for the same request', async () => {
    const { repo } = await setup();
    const first = await repo.write(setCart('1.5'));
    const second = await repo.write(setCart('1.5'));
    expect(second).toEqual({ kind: 'unchanged', commit: first.commit, attempts: 1 });
    expect(await repo.write(() => null)).toMatchObject({ kind: 'unchanged', commit: first.commit });
  });

  it('re-applies the write to the new head when a plain git push lands between fetch and push', async () => {
    const { fx, repo } = await setup();
    const clone = await fx.clone();
    let calls = 0;
    const result = await repo.write((current) => {
      calls++;
      if (calls === 1) pushAsPerson(clone, 'prod/locks.yaml', 'env_lock: { reasons: [freeze] }\n');
      return { changes: { 'dev/version/shop/cart.yaml': `version: '1.3' # seen ${text(current, 'prod/locks.yaml')?.length}\n` }, message: 'Cart 1.3' };
    });
    expect(calls).toBe(2);
    expect(result).toMatchObject({ kind: 'committed', attempts: 2 });
    expect(await fx.readRef('main')).toBe(result.commit);
    expect(await fx.readFile('main', 'prod/locks.yaml')).toBe('env_lock: { reasons: [freeze] }\n');
    expect(await fx.readFile('main', 'dev/version/shop/cart.yaml')).toBe("version: '1.3' # seen 32\n");
  });

  it('writes on a head another writer moved past its last commit with the tree of that head', async () => {
    const { fx, repo } = await setup();
    const clone = await fx.clone();
    const ours = await repo.write(setCart('1.2'));
    // The service reads its own commit (as the next round does), then a person deletes, adds and changes files.
    await repo.readFiles(ours.commit);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: clone, encoding: 'utf8' });
    git('fetch', '--quiet', 'origin');
    git('reset', '--quiet', '--hard', 'origin/main');
    git('rm', '--quiet', '-r', 'dev/version/shop/checkout.yaml', 'scripts');
    git('commit', '--quiet', '-m', 'person removes files');
    git('push', '--quiet', 'origin', 'HEAD:main');
    pushAsPerson(clone, 'dev/version/shop/new.yaml', "version: '9.0'\n");
    const personHead = pushAsPerson(clone, 'prod/locks.yaml', 'env_lock: { reasons: [freeze] }\n');
    expect(await repo.fetch()).toBe(personHead);

    let seen: string[] = [];
    const result = await repo.write((current) => {
      seen = [...current.files.values()].map((file) => `${file.path} ${file.oid}`).sort();
      return setCart('1.3')();
    });
    const treeOf = async (commit: string) => (await fx.git('ls-tree', '-r', '--format=%(path) %(objectname)', commit)).trim().split('\n').sort();
    expect(seen).toEqual(await treeOf(personHead));
    expect(await fx.readRef('main')).toBe(result.commit);
    expect(await treeOf(result.commit)).toEqual(seen.map((line) => (line.startsWith('dev/version/shop/cart.yaml ') ? expect.stringMatching(/^dev\/version\/shop\/cart.yaml /) : line)));
    expect(await fx.readFile('main', 'dev/version/shop/cart.yaml')).toBe("version: '1.3'\n");
  });

  it('does not answer "already there" from a head the remote has moved past since it was fetched', async () => {
    const { fx, repo } = await setup();
    // Just after the fetch, a person sets the file to something else: the head this process knows is stale.
    pushAsPerson(await fx.clone(), 'dev/version/shop/cart.yaml', "version: '1.9'\n");
    const result = await repo.write(setCart('1.1'));
    expect(result.kind).toBe('committed');
    expect(await fx.readFile('main', 'dev/version/shop/cart.yaml')).toBe("version: '1.1'\n");
  });

  it('does not refuse a write for what a head the remote has moved past said', async () => {
    const { fx, repo } = await setup();
    const clone = await fx.clone();
    pushAsPerson(clone, 'prod/locks.yaml', 'env_lock: { reasons: [freeze] }\n');
    await repo.fetch();
    // The lock is lifted just after this process fetched it.
    pushAsPerson(clone, 'prod/locks.yaml', 'env_lock: null\n');
    const result = await repo.write((current) => {
      if (text(current, 'prod/locks.yaml')?.includes('freeze')) throw new Error('prod is locked');
      return setCart('2.0')();
    });
    expect(result.kind).toBe('committed');
  });

  it('gives up after the bounded attempts with push-rejected, naming remote and branch', async () => {
    const { fx, repo } = await setup({ maxAttempts: 3, random: () => 0 });
    const clone = await fx.clone();
    let calls = 0;
    const error = await repo
      .write(() => {
        pushAsPerson(clone, 'busy.txt', `${++calls}`);
        return { changes: { 'dev/version/shop/cart.yaml': "version: '9'\n" }, message: 'Never lands' };
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitPushRejectedError);
    expect(error).toMatchObject({ code: 'push-rejected', data: { remote: fx.remote, branch: 'main', attempts: 3 } });
    // Three attempts on fetched heads; a first one on the head fetched moments ago, when there was one, comes on top.
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(calls).toBeLessThanOrEqual(4);
    expect(await fx.readFile('main', 'dev/version/shop/cart.yaml')).toBe("version: '1.1'\n");
  });

  it.each(['../escape', '/etc/passwd', 'a/../../b', 'a//b', 'nul\0byte', 'a/.git/config', 'trailing/'])('refuses the path %j and commits nothing', async (path) => {
    const { fx, repo } = await setup();
    const error = await repo.write(() => ({ changes: { [path]: 'x' }, message: 'Bad' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidEditPathError);
    expect(error).toMatchObject({ code: 'invalid-path', data: { path } });
    expect(await fx.readRef('main')).toBe(fx.commits.bump);
  });

  it('rejects only the write whose function throws; the others in the batch land', async () => {
    const { fx, repo } = await setup();
    const results = await Promise.allSettled([
      repo.write(setCart('2.0')),
      repo.write(() => {
        throw new Error('boom');
      }),
      repo.write(() => ({ changes: { 'new.txt': 'n' }, message: 'New file' })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await fx.readFile('main', 'new.txt')).toBe('n');
    expect(await fx.readFile('main', 'dev/version/shop/cart.yaml')).toBe("version: '2.0'\n");
  });

  it('lets the writers a batch answered write again in one push rather than the first alone (group commit)', async () => {
    // Time stands still: only the answered writers coming back end the wait, however the queue emptied meanwhile.
    const { fx, repo } = await setup({ clock: () => 0 });
    // The remote's reflog counts its pushes: one entry per update of the branch.
    await fx.git('config', 'core.logAllRefUpdates', 'always');
    const setFile = (name: string) => () => ({ changes: { [`dev/version/${name}.yaml`]: `version: '${name}'\n` }, message: name });
    // Each writer writes again once answered, the later ones a few turns of the event loop later than the first.
    const turns = (n: number) => Array.from({ length: n }).reduce<Promise<void>>((done) => done.then(() => new Promise((resolve) => setImmediate(resolve))), Promise.resolve());
    const writers = [0, 1, 2, 3].map((i) => repo.write(setFile(`a${i}`)).then(() => turns(3 * i)).then(() => repo.write(setFile(`b${i}`))));
    await Promise.all(writers);
    const pushes = (await fx.git('reflog', 'show', '--format=%H', 'main')).trim().split('\n');
    expect(pushes).toHaveLength(2);
    for (const name of ['a0', 'a3', 'b0', 'b3']) expect(await fx.readFile('main', `dev/version/${name}.yaml`)).toBe(`version: '${name}'\n`);
  });

  it('counts writers that write again the moment they are answered as the batch coming back, not as newcomers', async () => {
    const { fx, repo } = await setup({ clock: () => 0 });
    await fx.git('config', 'core.logAllRefUpdates', 'always');
    const setFile = (name: string) => () => ({ changes: { [`dev/version/${name}.yaml`]: `version: '${name}'\n` }, message: name });
    // Each writer's second write is queued in the same turn of the event loop as its answer.
    await Promise.all([0, 1, 2, 3].map((i) => repo.write(setFile(`a${i}`)).then(() => repo.write(setFile(`b${i}`)))));
    expect((await fx.git('reflog', 'show', '--format=%H', 'main')).trim().split('\n')).toHaveLength(2);
  });

  it('creates the branch with a root commit when the remote has none', async () => {
    const fx = await createFixture('commits: [{ name: only, files: { a: "1" } }]\nbranch: other\n');
    cleanups.push(() => fx.cleanup());
    const dir = tempCacheDir();
    cleanups.push(() => removeDir(dir));
    const repo = await openRepo({ url: fx.remote, branch: 'main', dir });
    cleanups.push(() => repo.close());
    expect(await repo.head()).toBeNull();
    const result = await repo.write(() => ({ changes: { 'deployers.yaml': 'deployers: {}\n' }, message: 'Start' }));
    expect(await fx.readRef('main')).toBe(result.commit);
    expect((await fx.git('rev-list', '--parents', '-n1', 'main')).trim()).toBe(result.commit);
  });
});

describe('housekeeping', () => {
  /** The packs in the cache clone after three fetches that each bring a new commit, each kept as a pack of its own. */
  async function packsAfterFetches(maintenanceIntervalMs: number): Promise<number> {
    const { fx, repo } = await setup({ maintenanceIntervalMs });
    // Every fetch keeps its objects as a pack, more than two packs is what git's housekeeping consolidates, and it
    // does so before it returns rather than in the background, so the packs can be counted.
    for (const [key, value] of [['fetch.unpackLimit', '1'], ['gc.autoPackLimit', '2'], ['gc.autoDetach', 'false']]) execFileSync('git', ['config', key!, value!], { cwd: repo.dir });
    const clone = await fx.clone();
    for (let i = 1; i <= 3; i++) {
      pushAsPerson(clone, 'prod/locks.yaml', `env_lock: { reasons: [r${i}] }\n`);
      await repo.fetch();
    }
    return readdirSync(join(repo.dir, 'objects', 'pack')).filter((name) => name.endsWith('.pack')).length;
  }

  it("runs git's housekeeping after a fetch once its interval has passed, not after every fetch", async () => {
    expect(await packsAfterFetches(60 * 60_000)).toBeGreaterThanOrEqual(3);
    expect(await packsAfterFetches(0)).toBeLessThanOrEqual(2);
  });
});

describe('names reaching git', () => {
  it('refuses commit ids that are not hexadecimal and branch names that could change a refspec', async () => {
    const { repo } = await setup();
    await expect(repo.log({ from: '--output=/tmp/x', limit: 1 })).rejects.toMatchObject({ code: 'invalid-git-name', data: { field: 'commit' } });
    await expect(repo.changedPaths('HEAD', 'HEAD~1')).rejects.toMatchObject({ code: 'invalid-git-name' });
    await expect(repo.readFiles('-x')).rejects.toMatchObject({ code: 'invalid-git-name' });
    for (const branch of ['main:refs/heads/x', '-main', 'a..b', 'x.lock', '']) {
      await expect(openRepo({ url: '/nonexistent', branch, dir: '/nonexistent' })).rejects.toMatchObject({ code: 'invalid-git-name', data: { field: 'branch', value: branch } });
    }
  });
});

describe('history reads', () => {
  it('lists each commit with its changed files and their blobs, newest first, stopping before stopAt', async () => {
    const { fx, repo } = await setup();
    const [bump, base, ...rest] = await repo.log({ limit: 10, firstParent: true, changes: true });
    expect(rest).toEqual([]);
    expect(bump).toMatchObject({ commit: fx.commits.bump, subject: 'Bump cart', changes: [{ path: 'dev/version/shop/cart.yaml', status: 'M' }] });
    expect(bump?.committedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(base?.changes?.map((c) => c.path).sort()).toEqual(['dev/base/shop/cart.yaml', 'dev/version/shop/cart.yaml', 'dev/version/shop/checkout.yaml', 'link', 'prod/locks.yaml', 'scripts/run']);
    expect(base?.changes?.every((c) => c.status === 'A')).toBe(true);
    const blob = bump?.changes?.[0]?.blob ?? '';
    expect(new TextDecoder().decode(await repo.readBlob(blob))).toBe("version: '1.1'\n");
    expect(await repo.readBlob(blob, 4)).toBeUndefined();
    const newer = await repo.log({ limit: 10, changes: true, stopAt: fx.commits.base ?? '' });
    expect(newer.map((c) => c.commit)).toEqual([fx.commits.bump]);
  });

  it('marks a deleted file without a blob', async () => {
    const { repo } = await setup();
    await repo.write(() => ({ changes: { 'prod/locks.yaml': null }, message: 'Drop the locks' }));
    const [drop] = await repo.log({ limit: 1, changes: true });
    expect(drop?.changes).toEqual([{ path: 'prod/locks.yaml', status: 'D' }]);
  });

  it('resolves a commit id, full or abbreviated, only when it is on the branch', async () => {
    const { fx, repo } = await setup();
    const head = fx.commits.bump ?? '';
    expect(await repo.resolveCommit((fx.commits.base ?? '').slice(0, 10), head)).toBe(fx.commits.base);
    expect(await repo.resolveCommit(head, fx.commits.base ?? '')).toBeUndefined();
    expect(await repo.resolveCommit('0000000', head)).toBeUndefined();
  });

  it('fetches another ref without moving the followed branch, and refuses a ref that reads as an option', async () => {
    const { fx, repo } = await setup();
    expect(await repo.fetchRef(fx.commits.base ?? '')).toBe(fx.commits.base);
    expect(await repo.head()).toBe(fx.commits.bump);
    await expect(repo.fetchRef('--upload-pack=touch /tmp/x')).rejects.toMatchObject({ code: 'invalid-git-name', data: { field: 'ref' } });
  });
});

describe('error kinds', () => {
  it('calls a remote that is not a repository a terminal error: retrying faster cannot fix a wrong URL', async () => {
    const dir = tempCacheDir();
    cleanups.push(() => removeDir(dir));
    const error = await openRepo({ url: `${dir}-missing-remote`, branch: 'main', dir }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'git-command-failed', kind: 'terminal' });
    expect(errorKind(error)).toBe('terminal');
  });
});
