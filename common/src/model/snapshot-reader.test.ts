import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFixture, type GitFixture } from '@cascade/git-fixture';
import { openRepo, type GitRepo } from '../git/index.ts';
import { renderEnvironment } from './render.ts';
import { SnapshotReader } from './snapshot-reader.ts';
import { GenerationalCache } from '../repo/generational-cache.ts';

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
  let repo: GitRepo;
  let dir: string;
  afterEach(async () => {
    await repo.close();
    await fixture.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('re-renders only the resource whose files changed between commits', async () => {
    fixture = await createFixture(spec);
    dir = await mkdtemp(join(tmpdir(), 'cascade-reader-'));
    repo = await openRepo({ url: fixture.remote, branch: 'main', dir: join(dir, 'clone') });
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
    fixture = await createFixture(spec);
    dir = await mkdtemp(join(tmpdir(), 'cascade-reader-'));
    repo = await openRepo({ url: fixture.remote, branch: 'main', dir: join(dir, 'clone') });
    let pauses = 0;
    const reader = new SnapshotReader(repo, () => async () => {
      pauses++;
    });
    const snapshot = await reader.read(fixture.commits['one'] as string);
    // At least one step per file and per resource.
    expect(pauses).toBeGreaterThanOrEqual(6);
    expect(snapshot.environments.get('dev')?.resources.get('b')?.version?.version).toBe('1');
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
});
