// The history index reads only new commits, pages across the end of its window into git, and rebuilds after a rewrite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type FixtureCommit, type GitFixture } from '@cascade/git-fixture';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRepo, type GitRepo } from '@cascade/common/git';
import { HistoryIndex, type LogReader } from './history-index.ts';

const commits: FixtureCommit[] = Array.from({ length: 30 }, (_, i) => ({
  name: `c${i}`,
  message: i % 3 === 0 ? `Update svc-${i % 2} to 1.${i}\n\nchangelog ${i}\n\nCascade-Type: Version\nCascade-Resource: svc-${i % 2}\nCascade-Env: latest\nCascade-Version: 1.${i}` : `person edit ${i}`,
  files: { [i % 3 === 0 ? `latest/version/svc-${i % 2}.yaml` : `prod/version/svc-${i % 2}.yaml`]: `version: "1.${i}"\n` },
}));

let fx: GitFixture;
let requested: Array<{ from: string; limit: number; stopAt?: string | undefined }>;
let reader: LogReader;
let repo: GitRepo;
let dir: string;
beforeAll(async () => {
  fx = await createFixture({ commits, head: 'c19' });
  dir = await mkdtemp(join(tmpdir(), 'cascade-history-index-'));
  repo = await openRepo({ url: fx.remote, branch: 'main', dir });
  requested = [];
  reader = async (from, limit, stopAt) => {
    requested.push({ from, limit, stopAt });
    // The tests move the remote's branch; the cache clone must have the commits before reading them.
    await repo.fetch();
    return repo.log({ from, limit, firstParent: true, changes: true, ...(stopAt === undefined ? {} : { stopAt }) });
  };
});
afterAll(async () => {
  await repo.close();
  await fx.cleanup();
  await rm(dir, { recursive: true, force: true });
});

describe('HistoryIndex', () => {
  it('indexes a bounded window, then only the commits new since the last head', async () => {
    const index = new HistoryIndex(reader, { window: 10 });
    const first = await index.update(fx.commits['c19'] as string);
    expect(first).toMatchObject({ rebuilt: true });
    expect(index.size).toBe(10);
    await fx.setRef('main', 'c29');
    requested.length = 0;
    const next = await index.update(fx.commits['c29'] as string);
    expect(next.rebuilt).toBe(false);
    expect(next.added.map((e) => e.subject)).toEqual(Array.from({ length: 10 }, (_, k) => commits[29 - k]?.message?.split('\n')[0]));
    expect(requested).toEqual([{ from: fx.commits['c29'], limit: 11, stopAt: fx.commits['c19'] }]);
    expect((await index.update(fx.commits['c29'] as string)).added).toEqual([]);
  });

  it('pages newest first, past the window into git, until the root', async () => {
    const index = new HistoryIndex(reader, { window: 10 });
    await index.update(fx.commits['c29'] as string);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await index.page({ limit: 7, ...(cursor ? { cursor } : {}) });
      seen.push(...result.entries.map((e) => e.commit));
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    expect(seen).toEqual(Array.from({ length: 30 }, (_, k) => fx.commits[`c${29 - k}`]));
  });

  it('filters by type, resource and environment, inside and outside the window', async () => {
    const index = new HistoryIndex(reader, { window: 10 });
    await index.update(fx.commits['c29'] as string);
    const page = await index.page({ type: 'Version', resource: 'svc-0', limit: 100 });
    const rest = page.nextCursor ? await index.page({ type: 'Version', resource: 'svc-0', limit: 100, cursor: page.nextCursor }) : { entries: [] };
    const versions = [...page.entries, ...rest.entries].map((e) => e.versions[0]);
    expect(versions).toEqual(['1.24', '1.18', '1.12', '1.6', '1.0']);
    const prod = await index.page({ env: 'prod', limit: 3 });
    expect(prod.entries.map((e) => e.type)).toEqual(['Manual', 'Manual', 'Manual']);
    expect(prod.entries[0]).toMatchObject({ environments: ['prod'], resources: ['svc-1'] });
  });

  it('rebuilds when the branch was rewritten', async () => {
    const index = new HistoryIndex(reader, { window: 10 });
    await index.update(fx.commits['c29'] as string);
    const rewritten = await index.update(fx.commits['c5'] as string);
    expect(rewritten.rebuilt).toBe(true);
    expect(index.size).toBe(6);
    expect(index.get(fx.commits['c29'] as string)).toBeUndefined();
  });
});
