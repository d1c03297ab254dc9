// Who locked: the commit that first put each reason into locks.yaml, for the environment lock and each resource lock.
import { describe, expect, it } from 'vitest';
import { parseSnapshot, repoFilesFromText } from '@cascade/common';
import type { CommitInfo, LogOptions } from '@cascade/common/git';
import { LockOrigins } from './lock-origins.ts';

const base = 'kind: ConfigMap\nmetadata: { name: cart }\n';
const freeze = 'env_lock: { reasons: ["release freeze"] }\n';
const both = 'env_lock: { reasons: ["release freeze"] }\nresource_locks:\n  cart: { reasons: ["incident 4711"] }\n';

/** A commit of the fake log that changed prod/locks.yaml to `blob` (deleted when undefined). */
function commit(id: string, author: string, day: number, blob: string | undefined): CommitInfo {
  return {
    commit: id,
    parents: [],
    author: { name: author, email: `${author}@example.com` },
    time: `2026-12-0${day}T08:00:00Z`,
    committedAt: '',
    subject: id,
    body: '',
    trailers: [],
    changes: [{ path: 'prod/locks.yaml', status: blob === undefined ? 'D' : 'M', ...(blob === undefined ? {} : { blob }) }],
  };
}

/** Origins over a fake repo whose log (newest first) and blobs are given. */
function originsOver(log: CommitInfo[], blobs: Record<string, string>, scanLimit?: number) {
  const asked: LogOptions[] = [];
  const repo = { log: async (options: LogOptions) => (asked.push(options), log.slice(0, options.limit)), readBlob: async (oid: string) => new TextEncoder().encode(blobs[oid]) };
  return { origins: new LockOrigins(repo, scanLimit), asked };
}

describe('LockOrigins', () => {
  it('names who added each reason, and the newest lock after an unlock', async () => {
    const snapshot = parseSnapshot(repoFilesFromText('head', { 'prod/base/cart.yaml': base, 'prod/locks.yaml': both }));
    const locks = snapshot.environments.get('prod')!.locks;
    // Newest first: Bob locks cart, Dana locks again after Carl unlocked what Ann had locked.
    const log = [commit('c4', 'Bob', 4, 'both'), commit('c3', 'Dana', 3, 'freeze'), commit('c2', 'Carl', 2, undefined), commit('c1', 'Ann', 1, 'freeze')];
    const { origins, asked } = originsOver(log, { freeze, both });
    await origins.update(snapshot);
    expect(origins.of('prod', locks)).toEqual([{ reason: 'release freeze', by: 'Dana', at: '2026-12-03T08:00:00Z', commit: 'c3' }]);
    expect(origins.of('prod', locks, 'cart')).toEqual([{ reason: 'incident 4711', by: 'Bob', at: '2026-12-04T08:00:00Z', commit: 'c4' }]);
    expect(asked).toEqual([expect.objectContaining({ from: 'head', paths: ['prod/locks.yaml'], changes: true })]);
    // The same file is not looked up again.
    const revision = origins.revision();
    await origins.update(snapshot);
    expect(asked).toHaveLength(1);
    expect(origins.revision()).toBe(revision);
  });

  it('gives no origin to a reason older than the commits looked at', async () => {
    const snapshot = parseSnapshot(repoFilesFromText('head', { 'prod/base/cart.yaml': base, 'prod/locks.yaml': both }));
    const locks = snapshot.environments.get('prod')!.locks;
    const { origins } = originsOver([commit('c4', 'Bob', 4, 'both'), commit('c3', 'Dana', 3, 'freeze')], { freeze, both }, 2);
    await origins.update(snapshot);
    expect(origins.of('prod', locks)).toEqual([]);
    expect(origins.of('prod', locks, 'cart')).toEqual([{ reason: 'incident 4711', by: 'Bob', at: '2026-12-04T08:00:00Z', commit: 'c4' }]);
  });

  it('knows nothing of an environment without locks.yaml', async () => {
    const snapshot = parseSnapshot(repoFilesFromText('head', { 'prod/base/cart.yaml': base }));
    const { origins, asked } = originsOver([], {});
    await origins.update(snapshot);
    expect(origins.of('prod', snapshot.environments.get('prod')!.locks)).toEqual([]);
    expect(asked).toEqual([]);
  });
});
