// Who may do what to stagings: viewer reads; ci creates, updates, deploys and archives its own branch's; operator all but
// cleanup; admin all. Every refusal leaves the remote as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@cascade/common/service';
import { ROLES } from '@cascade/common/service';
import { startHarness, stagingFixture, type Harness } from '../testing/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ fixture: stagingFixture({ limit: 50 }) });
  // Stagings each role's turn works on: one created by name, one deployed from a branch.
  for (const role of ROLES) {
    expect((await h.call('POST', '/api/v1/stagings', { role: 'admin', body: { name: `named-${role}`, kind: 'feature', tag: '1' } })).status).toBe(201);
    expect((await h.call('POST', '/api/v1/stagings/deploy', { role: 'admin', body: { fromBranch: `feature/${role}`, kind: 'feature', tag: '1' } })).status).toBe(201);
  }
});
afterAll(async () => h?.cleanup());

type Expect = 'allowed' | 401 | 403;

/** Each action of the API for one role's own stagings, in an order that leaves the next one something to do. */
function actions(role: Role): Array<{ what: string; method: string; path: string; body?: unknown; expect: Record<Role | 'anonymous', Expect> }> {
  const all = (viewer: Expect, ci: Expect, operator: Expect, admin: Expect) => ({ anonymous: 401 as Expect, viewer, ci, operator, admin });
  return [
    { what: 'create', method: 'POST', path: '/stagings', body: { name: `new-${role}`, kind: 'feature', tag: '1' }, expect: all(403, 'allowed', 'allowed', 'allowed') },
    { what: 'update', method: 'PATCH', path: `/stagings/named-${role}`, body: { tag: '2' }, expect: all(403, 'allowed', 'allowed', 'allowed') },
    { what: 'deploy', method: 'POST', path: '/stagings/deploy', body: { fromBranch: `feature/${role}`, kind: 'feature', tag: '2' }, expect: all(403, 'allowed', 'allowed', 'allowed') },
    { what: 'archive by name', method: 'POST', path: `/stagings/named-${role}/archive`, expect: all(403, 403, 'allowed', 'allowed') },
    { what: 'archive its branch', method: 'POST', path: '/stagings/archive', body: { fromBranch: `feature/${role}` }, expect: all(403, 'allowed', 'allowed', 'allowed') },
    { what: 'restore', method: 'POST', path: `/stagings/feature-${role}/restore`, expect: all(403, 403, 'allowed', 'allowed') },
    { what: 'clean up', method: 'POST', path: `/stagings/named-${role}/cleanup`, expect: all(403, 403, 403, 'allowed') },
  ];
}

describe('the staging role matrix', () => {
  for (const role of [...ROLES, undefined] as Array<Role | undefined>) {
    it(`${role ?? 'anonymous'}`, async () => {
      const seen: Array<[string, number | string]> = [];
      const wanted: Array<[string, number | string]> = [];
      for (const action of actions(role ?? 'viewer')) {
        const before = await h.remoteCommits();
        const res = await h.call(action.method, `/api/v1${action.path}`, { ...(role ? { role } : {}), ...(action.body === undefined ? {} : { body: action.body }) });
        const expected = action.expect[role ?? 'anonymous'];
        seen.push([action.what, expected === 'allowed' && res.status < 300 ? 'allowed' : res.status]);
        wanted.push([action.what, expected]);
        if (expected !== 'allowed') expect([action.what, await h.remoteCommits()]).toEqual([action.what, before]);
      }
      expect(seen).toEqual(wanted);
    });
  }

  it('says why ci may not archive by name or restore', async () => {
    const byName = await h.call('POST', '/api/v1/stagings/named-admin/archive', { role: 'ci' });
    expect(await byName.json()).toMatchObject({ error: { code: 'staging-not-yours', details: { name: 'named-admin' } } });
    const restore = await h.call('POST', '/api/v1/stagings/feature-ci/restore', { role: 'ci' });
    expect(await restore.json()).toMatchObject({ error: { code: 'staging-action-forbidden' } });
  });

  it('lets every role read the list and one staging; nobody without a token', async () => {
    await h.aggregator.refresh();
    for (const role of ROLES) {
      expect([role, (await h.call('GET', '/api/v1/stagings', { role })).status, (await h.call('GET', '/api/v1/stagings/named-ci', { role })).status]).toEqual([role, 200, 200]);
    }
    expect((await h.call('GET', '/api/v1/stagings')).status).toBe(401);
  });
});
