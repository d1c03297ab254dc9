import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFixture, type GitFixture } from '@cascade/git-fixture';
import { openRepo, type GitRepo, type OpenRepoOptions } from '../git/index.ts';
import { isRenderCacheKey, renderEnvironment } from './render.ts';
import { SnapshotReader } from './snapshot-reader.ts';
import { GenerationalCache } from '../repo/generational-cache.ts';
import { SharedReads, WeakValueMap } from '../repo/shared-reads.ts';

const spec = `
commits:
  - name: one
    files:
      dev/base/a.yaml: "apiVersion: v1\\nkind: ConfigMap\\nmetadata: { name: a }\\ndata: { v: $version }\\n"
      dev/version/a.yaml: "version: '1'\\n"
      dev/base/b.yaml: "apiVersion: v1\\nkind: ConfigMap\\nmetadata: { name: b }\\ndata: { v: $version }\\n"
      dev/version/b.yaml: "version: '1'\\n"
  - name: two
    files:
      dev/version/a.yaml: "version: '2'\\n"
`;

describe('SnapshotReader', () => {
  let fixture: GitFixture;
  let dir: string;
  let clones: GitRepo[];
  beforeEach(async () => {
    fixture = await createFixture(spec);
    dir = await mkdtemp(join(tmpdir(), 'cascade-reader-'));
    clones = [];
  });
  afterEach(async () => {
    for (const opened of clones) await opened.close();
    await fixture.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  /** A clone of the fixture in a folder of its own (`name`), closed after the test. */
  async function clone(name: string, options: Partial<OpenRepoOptions> = {}): Promise<GitRepo> {
    const opened = await openRepo({ url: fixture.remote, branch: 'main', dir: join(dir, name), ...options });
    clones.push(opened);
    return opened;
  }

  it('re-renders only the resource whose files changed between commits', async () => {
    const repo = await clone('clone');
    const reader = new SnapshotReader(repo);
    const first = await reader.read(fixture.commits['one'] as string);
    const [a1, b1] = renderEnvironment(first, 'dev', reader.cache);
    const second = await reader.read(fixture.commits['two'] as string);
    const [a2, b2] = renderEnvironment(second, 'dev', reader.cache);
    expect(a2).toMatchObject({ ok: true, version: '2' });
    expect(a2).not.toBe(a1);
    expect(b2).toBe(b1);
    expect(await reader.read(fixture.commits['two'] as string)).toBe(second);
  });

  it('parses in steps, awaiting the pause it was given between them', async () => {
    const repo = await clone('clone');
    let pauses = 0;
    const reader = new SnapshotReader(repo, () => async () => {
      pauses++;
    });
    const snapshot = await reader.read(fixture.commits['one'] as string);
    // At least one step per file and per resource.
    expect(pauses).toBeGreaterThanOrEqual(6);
    expect(snapshot.environments.get('dev')?.resources.get('b')?.version?.version).toBe('1');
  });

  it('parses a commit once for the readers of other clones that share reads and start together, and only for those; renders stay their own', async () => {
    const sharedReads = new SharedReads();
    const [repo, other, apart] = [await clone('clone', { sharedReads }), await clone('other', { sharedReads }), await clone('apart')];
    const readers = [new SnapshotReader(repo), new SnapshotReader(other), new SnapshotReader(apart)];
    const head = fixture.commits['two'] as string;
    // Started together, as the services of one process start: one walk of the tree and one parse.
    const [first, second, third] = await Promise.all(readers.map((reader) => reader.read(head)));
    const version = (snapshot: typeof first) => snapshot!.environments.get('dev')?.resources.get('a')?.version;
    expect(version(first)).toMatchObject({ version: '2' });
    expect(second).toBe(first);
    expect(third).not.toBe(first);
    expect(version(third)).toEqual(version(first));
    expect(version(third)).not.toBe(version(first));
    // Parsed files go to the other readers' caches; renders, which only the deployer makes, do not: a render shared
    // would cost the shared table an entry and save nothing.
    const [parsed, rendered, renderKey] = [{ parsed: true }, { rendered: true }, 'rendered\0dev\0a'];
    expect(isRenderCacheKey(renderKey)).toBe(true);
    readers[0]!.cache.set('parsed\0dev/version/a.yaml', parsed).set(renderKey, rendered);
    expect(readers[1]!.cache.get('parsed\0dev/version/a.yaml')).toBe(parsed);
    expect(readers[1]!.cache.get(renderKey)).toBeUndefined();
    expect(readers[2]!.cache.get('parsed\0dev/version/a.yaml')).toBeUndefined();
  });

  it('takes the snapshot another reader of the process made of the same files, and patches its next commit onto it', async () => {
    const sharedReads = new SharedReads();
    // Files read under another size bound may differ (a file past it has no content): not shared.
    const [repo, other, bounded] = [await clone('clone', { sharedReads }), await clone('other', { sharedReads }), await clone('bounded', { sharedReads, maxFileBytes: 64 })];
    const [one, two] = [fixture.commits['one'] as string, fixture.commits['two'] as string];
    const [reader, next, apart] = [new SnapshotReader(repo), new SnapshotReader(other), new SnapshotReader(bounded)];
    const first = await reader.read(one);
    expect(await next.read(one)).toBe(first);
    const own = await apart.read(one);
    expect(own).not.toBe(first);
    expect(own.environments.get('dev')?.resources.get('a')?.version).toEqual(first.environments.get('dev')?.resources.get('a')?.version);
    // The other reader moves on first; its snapshot of the next commit keeps the unchanged resource of the shared one.
    const second = await next.read(two);
    expect(second.environments.get('dev')?.resources.get('a')?.version).toMatchObject({ version: '2' });
    expect(second.environments.get('dev')?.resources.get('b')).toBe(first.environments.get('dev')?.resources.get('b'));
    expect(await reader.read(two)).toBe(second);
    expect((await reader.read(two)).files.changes).toEqual({ since: one, paths: ['dev/version/a.yaml'] });
  });
});

describe('GenerationalCache', () => {
  it('forgets entries a whole round did not use', () => {
    const cache = new GenerationalCache();
    cache.set('kept', 1).set('dropped', 2);
    cache.nextRound();
    expect(cache.get('kept')).toBe(1);
    cache.nextRound();
    expect(cache.get('kept')).toBe(1);
    expect(cache.get('dropped')).toBeUndefined();
  });

  it('holds an entry in use once, in the current round only', () => {
    const cache = new GenerationalCache();
    cache.set('a', 1).set('b', 2);
    cache.nextRound();
    expect([cache.get('a'), cache.get('a'), cache.size, cache.held]).toEqual([1, 1, 2, 2]);
    cache.nextRound();
    expect([cache.get('b'), cache.size, cache.held]).toEqual([undefined, 1, 1]);
  });

  it('finds what another cache of the process holds under a key, and keeps it as its own; values that are not objects stay apart', () => {
    const shared = new WeakValueMap<object>();
    const [one, two] = [new GenerationalCache(shared), new GenerationalCache(shared)];
    const parsed = { version: '1' };
    one.set('a', parsed).set('text', 'not shared');
    expect(two.get('a')).toBe(parsed);
    expect(two.get('text')).toBeUndefined();
    // Taken into the round: the first cache forgetting it leaves it here, and the first finds it here again.
    one.nextRound();
    one.nextRound();
    expect(one.held).toBe(0);
    two.nextRound();
    expect([two.get('a'), two.size]).toEqual([parsed, 1]);
    expect(one.get('a')).toBe(parsed);
  });
});
