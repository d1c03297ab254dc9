// Concurrent version pushes go to the remote in batches: each still its own commit with its trailers, acknowledged only
// once the remote has it, checked against the tree that holds the writes before it, and failing only with its batch.
import { chmod, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FixtureSpec } from '@cascade/git-fixture';
import { readCascadeTrailers } from '@cascade/common/git';
import { startHarness, type Harness } from '../testing/harness.ts';
import { planLockChange } from './locks.ts';
import { planVersionPush } from './push-version.ts';

const RESOURCES = 40;

const fixture: FixtureSpec = {
  commits: [
    {
      name: 'bases',
      files: {
        'transitions.yaml': 'transitions:\n  dev: { source: latest, target: dev }\n',
        'latest/locks.yaml': 'resource_locks:\n  svc-locked: { reasons: [incident 4711] }\n',
        ...Object.fromEntries(Array.from({ length: RESOURCES }, (_, i) => [`latest/base/svc-${i}.yaml`, 'kind: ConfigMap\ndata: { v: $version }\n'])),
        'latest/base/svc-locked.yaml': 'kind: ConfigMap\ndata: { v: $version }\n',
        'dev/base/svc-0.yaml': 'kind: ConfigMap\ndata: { v: $version }\n',
      },
    },
  ],
};

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ fixture });
});
afterEach(async () => h.cleanup());

/**
 * Watches how each write's snapshot is derived: `fresh` when parsed in full (every environment made anew), not patched;
 * `chained` when patched onto the snapshot of the head before it in the batch.
 */
function watchDerivations(harness: Harness): Array<{ fresh: boolean; chained: boolean }> {
  const state = harness.aggregator.state;
  const derive = state.snapshotOf.bind(state);
  const derived: Array<{ fresh: boolean; chained: boolean }> = [];
  let last = state.current?.environments.get('dev');
  vi.spyOn(state, 'snapshotOf').mockImplementation((files, before) => {
    const head = derive(files, before);
    const dev = head.environments.get('dev');
    derived.push({ fresh: dev !== last, chained: before !== undefined });
    last = dev;
    return head;
  });
  return derived;
}

/** Pushes a version as the ci token; on a 201, checks at once that the remote's branch already holds the commit. */
async function push(resource: string, version: string): Promise<{ status: number; commit?: string; onRemote?: boolean; code?: string }> {
  const res = await h.call('POST', '/api/v1/versions', { role: 'ci', body: { resource, version, changelog: `changelog of ${resource} ${version}` } });
  const body = (await res.json()) as { commit?: string; error?: { code: string } };
  if (res.status !== 201) return { status: res.status, ...(body.error === undefined ? {} : { code: body.error.code }) };
  const onRemote = await h.fx.git('merge-base', '--is-ancestor', body.commit as string, 'main').then(
    () => true,
    () => false,
  );
  return { status: res.status, commit: body.commit as string, onRemote };
}

describe('concurrent version pushes', () => {
  it('land as one commit each, with their trailers and changelog, each on the remote before it is acknowledged', { timeout: 60_000 }, async () => {
    const requests = [
      ...Array.from({ length: RESOURCES }, (_, i) => ({ resource: `svc-${i}`, version: `1.0.${i}` })),
      // The same resource ten times: each push is applied on top of the one before it.
      ...Array.from({ length: 10 }, (_, i) => ({ resource: 'svc-0', version: `2.0.${i}` })),
    ];
    const results = await Promise.all(requests.map((r) => push(r.resource, r.version)));

    expect(results.map((r) => [r.status, r.onRemote])).toEqual(requests.map(() => [201, true]));
    expect(new Set(results.map((r) => r.commit)).size).toBe(requests.length);
    const commits = await h.remoteCommits();
    expect(commits).toHaveLength(1 + requests.length);
    for (const [i, request] of requests.entries()) {
      const [info] = await h.aggregator.repo.log({ from: results[i]?.commit as string, limit: 1, changes: true });
      expect(info?.body).toContain(`changelog of ${request.resource} ${request.version}`);
      expect(readCascadeTrailers(info?.trailers ?? [])).toMatchObject({ type: 'Version', resource: [request.resource], env: ['latest'], version: [request.version] });
      // One commit, one version file.
      expect(info?.changes?.map((c) => c.path)).toEqual([`latest/version/${request.resource}.yaml`]);
    }
    // The last of the pushes to svc-0 in commit order is what the file holds.
    const svc0 = requests.map((r, i) => ({ ...r, at: commits.indexOf(results[i]?.commit as string) })).filter((r) => r.resource === 'svc-0');
    const newest = svc0.reduce((a, b) => (b.at > a.at ? b : a));
    expect(await h.fx.readFile('main', 'latest/version/svc-0.yaml')).toContain(`version: ${newest.version}`);
  });

  it('refuses a push in the middle of a batch without touching the others', { timeout: 60_000 }, async () => {
    const requests = Array.from({ length: 21 }, (_, i) => (i === 10 ? { resource: 'svc-locked', version: '9.9.9' } : { resource: `svc-${i}`, version: `3.0.${i}` }));
    const results = await Promise.all(requests.map((r) => push(r.resource, r.version)));
    expect(results.map((r) => r.status)).toEqual(requests.map((r) => (r.resource === 'svc-locked' ? 423 : 201)));
    expect(results[10]?.code).toBe('resource-locked');
    expect(await h.fx.readFile('main', 'latest/version/svc-locked.yaml')).toBeNull();
    expect(await h.remoteCommits()).toHaveLength(1 + 20);
  });

  it('checks each write of a batch on the tree holding the writes before it', { timeout: 60_000 }, async () => {
    const repo = h.aggregator.repo;
    const operator = { token: 'operator-bot', role: 'operator' as const, author: { name: 'Op', email: 'op@example.com' } };
    // A write under way, so the next three are queued together and go as one batch.
    const first = repo.write(planVersionPush({ resource: 'svc-1', version: '4.0.0', fields: {}, requester: operator }, { ciEnvironments: [] }).write);
    const lock = repo.write(planLockChange({ action: 'lock', env: 'latest', resource: 'svc-2', reason: 'checking', requester: operator }).write);
    const blocked = repo.write(planVersionPush({ resource: 'svc-2', version: '4.0.0', fields: {}, requester: operator }, { ciEnvironments: [] }).write).catch((e: unknown) => e);
    const other = repo.write(planVersionPush({ resource: 'svc-3', version: '4.0.0', fields: {}, requester: operator }, { ciEnvironments: [] }).write);

    expect(await first).toMatchObject({ kind: 'committed' });
    expect(await lock).toMatchObject({ kind: 'committed' });
    expect(await blocked).toMatchObject({ code: 'resource-locked' });
    expect(await other).toMatchObject({ kind: 'committed' });
    expect(await h.fx.readFile('main', 'latest/version/svc-2.yaml')).toBeNull();
    expect(await h.fx.readFile('main', 'latest/version/svc-3.yaml')).toContain('4.0.0');
  });

  it('plans each write on the snapshot of its head, patched onto the one before rather than parsed anew', { timeout: 60_000 }, async () => {
    const derived = watchDerivations(h);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => push(`svc-${i}`, `7.0.${i}`)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(derived.length).toBeGreaterThanOrEqual(20);
    expect(derived.filter((d) => d.fresh)).toEqual([]);
  });

  it('patches each head of a batch onto the head before it, so a write costs its own change, not the batch\'s before it', { timeout: 60_000 }, async () => {
    const repo = h.aggregator.repo;
    const operator = { token: 'operator-bot', role: 'operator' as const, author: { name: 'Op', email: 'op@example.com' } };
    const heads = (files: Parameters<typeof h.aggregator.state.snapshotOf>[0], before?: Parameters<typeof h.aggregator.state.snapshotOf>[1]) => h.aggregator.state.snapshotOf(files, before);
    const pushAll = (pushes: Array<{ resource: string; version: string }>) => Promise.all(pushes.map((p) => repo.write(planVersionPush({ ...p, fields: {}, requester: operator }, { ciEnvironments: [] }, heads).write)));
    // The version files exist: a write that adds a path starts the batch's derived values afresh.
    await pushAll(Array.from({ length: 8 }, (_, i) => ({ resource: `svc-${i}`, version: '8.0.0' })));
    const derived = watchDerivations(h);
    // A write under way, so the nine after it are queued together and go as one batch; the same resource twice, so
    // the second must see the first's file.
    const first = pushAll([{ resource: 'svc-8', version: '9.0.0' }]);
    const results = await pushAll([...Array.from({ length: 8 }, (_, i) => ({ resource: `svc-${i}`, version: '9.0.0' })), { resource: 'svc-3', version: '9.0.1' }]);
    await first;
    expect(results.map((r) => r.kind)).toEqual(Array(9).fill('committed'));
    expect(derived).toHaveLength(10);
    // The first write of a batch is applied to the remote's head; each after it to the head before it.
    expect(derived.slice(-8).map((d) => d.chained)).toEqual(Array(8).fill(true));
    expect(derived.map((d) => d.fresh)).toEqual(Array(10).fill(false));
    expect(await h.fx.readFile('main', 'latest/version/svc-3.yaml')).toBe('version: 9.0.1\n');
    expect(await h.fx.readFile('main', 'latest/version/svc-7.yaml')).toBe('version: 9.0.0\n');
  });

  it('patches every head of a batch, the one holding a new locks.yaml too', { timeout: 60_000 }, async () => {
    const repo = h.aggregator.repo;
    const operator = { token: 'operator-bot', role: 'operator' as const, author: { name: 'Op', email: 'op@example.com' } };
    const heads = (files: Parameters<typeof h.aggregator.state.snapshotOf>[0]) => h.aggregator.state.snapshotOf(files);
    const derived = watchDerivations(h);
    // A write under way, so the lock and the pushes after it are queued together and go as one batch.
    const first = repo.write(planVersionPush({ resource: 'svc-1', version: '8.0.0', fields: {}, requester: operator }, { ciEnvironments: [] }, heads).write);
    const lock = repo.write(planLockChange({ action: 'lock', env: 'latest', resource: 'svc-2', reason: 'checking', requester: operator }, heads).write);
    const pushes = Array.from({ length: 10 }, (_, i) => repo.write(planVersionPush({ resource: `svc-${3 + i}`, version: '8.0.0', fields: {}, requester: operator }, { ciEnvironments: [] }, heads).write));
    await Promise.all([first, lock, ...pushes]);
    // A lock re-reads only that environment's locks.yaml: no head of the batch is parsed in full.
    expect(derived).toHaveLength(12);
    expect(derived.map((d) => d.fresh)).toEqual(Array(12).fill(false));
  });

  it('fails every push of a batch the remote refuses, keeps what was acknowledged, and goes on once the remote accepts again', { timeout: 120_000 }, async () => {
    const before = await Promise.all(Array.from({ length: 5 }, (_, i) => push(`svc-${i}`, `5.0.${i}`)));
    expect(before.map((r) => r.status)).toEqual(Array(5).fill(201));

    const hook = join(h.fx.remote, 'hooks', 'pre-receive');
    await writeFile(hook, '#!/bin/sh\necho "closed for maintenance" >&2\nexit 1\n');
    await chmod(hook, 0o755);
    const refused = await Promise.all(Array.from({ length: 10 }, (_, i) => push(`svc-${10 + i}`, `6.0.${i}`)));
    expect(refused.map((r) => [r.status, r.code])).toEqual(Array(10).fill([503, 'repo-busy']));
    const remote = await h.remoteCommits();
    for (const r of before) expect(remote).toContain(r.commit);
    for (let i = 0; i < 10; i++) expect(await h.fx.readFile('main', `latest/version/svc-${10 + i}.yaml`)).toBeNull();

    await rm(hook);
    const after = await Promise.all(Array.from({ length: 10 }, (_, i) => push(`svc-${10 + i}`, `6.0.${i}`)));
    expect(after.map((r) => [r.status, r.onRemote])).toEqual(Array(10).fill([201, true]));
    expect(await h.remoteCommits()).toHaveLength(1 + 5 + 10);
  });
});
