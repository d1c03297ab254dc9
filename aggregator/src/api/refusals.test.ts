// Each refusal names the right thing: a folder that is no environment, an unknown resource, a version the repo holds that Cascade cannot write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureSpec } from '@cascade/git-fixture';
import { startHarness, type Harness } from '../testing/harness.ts';
import { SHOP_FIXTURE } from '../testing/shop-fixture.ts';

const cart = (version: string) => `version: ${version}\nimage: registry/cart:1.0.0\nreplicas: 2\n`;

/** The shop repo plus a docs folder, a stale lock, and a prod version file that once held a two-line version. */
const FIXTURE: FixtureSpec = {
  commits: [
    ...SHOP_FIXTURE.commits,
    { name: 'docs', message: 'Docs and a stale lock', files: { 'docs/README.md': '# How we deploy\n', 'prod/locks.yaml': 'resource_locks:\n  retired: { reasons: [gone since May] }\n' } },
    { name: 'odd-version', message: 'Hand-edited version', files: { 'prod/version/shop/cart.yaml': cart('|\n  1.0.0\n  Cascade-Type: Version') } },
    { name: 'fixed', message: 'Fix the version', files: { 'prod/version/shop/cart.yaml': cart('"1.0.1"') } },
  ],
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ fixture: FIXTURE });
});
afterAll(async () => h.cleanup());

const call = async (method: string, path: string, body: Record<string, unknown>) => {
  const res = await h.call(method, path, { role: 'operator', body });
  return { http: res.status, ...((await res.json()) as { error?: { code: string; details?: Record<string, unknown> }; status?: string }) };
};

describe('environments', () => {
  it('refuses to lock a folder that is no environment, naming the environments there are, and commits nothing', async () => {
    const before = await h.remoteCommits();
    const res = await call('POST', '/api/v1/locks', { env: 'docs', reason: 'x' });
    expect(res).toMatchObject({ http: 404, error: { code: 'unknown-environment', details: { env: 'docs', environments: ['latest', 'dev', 'prod'] } } });
    expect(await h.remoteCommits()).toEqual(before);
    expect(await h.fx.readFile('main', 'docs/locks.yaml')).toBeNull();
  });
});

describe('rollbacks', () => {
  it('answers unknown-environment and unknown-resource, not version-not-found', async () => {
    expect(await call('POST', '/api/v1/rollbacks', { env: 'qa', resource: 'shop/cart', to: '1.0.0' })).toMatchObject({ http: 404, error: { code: 'unknown-environment', details: { env: 'qa' } } });
    expect(await call('POST', '/api/v1/rollbacks', { env: 'docs', resource: 'shop/cart', to: '1.0.0' })).toMatchObject({ http: 404, error: { code: 'unknown-environment' } });
    expect(await call('POST', '/api/v1/rollbacks', { env: 'prod', resource: 'search', to: '1.0.0' })).toMatchObject({ http: 404, error: { code: 'unknown-resource', details: { field: 'resource', env: 'prod', resource: 'search' } } });
  });

  it('reports a version in the repo that cannot go into a commit as a conflict with the repo, naming the file and commit', async () => {
    const commit = h.fx.commits['odd-version'] as string;
    const before = await h.remoteCommits();
    const res = await call('POST', '/api/v1/rollbacks', { env: 'prod', resource: 'shop/cart', to: commit });
    expect(res).toMatchObject({ http: 409, error: { code: 'invalid-version-in-repo', details: { field: 'to', file: 'prod/version/shop/cart.yaml', commit } } });
    expect(await h.remoteCommits()).toEqual(before);
  });
});

describe('unlocking', () => {
  it('answers unknown-resource for a resource no environment has and no lock names', async () => {
    expect(await call('DELETE', '/api/v1/locks', { env: 'prod', resource: 'search' })).toMatchObject({ http: 404, error: { code: 'unknown-resource', details: { field: 'resource', resource: 'search' } } });
  });

  it('answers 200 unchanged for an existing resource that is not locked, and removes a stale lock of a retired resource', async () => {
    expect(await call('DELETE', '/api/v1/locks', { env: 'prod', resource: 'shop/cart' })).toMatchObject({ http: 200, status: 'unchanged' });
    expect(await call('DELETE', '/api/v1/locks', { env: 'dev', resource: 'shop/cart' })).toMatchObject({ http: 200, status: 'unchanged' });
    expect(await call('DELETE', '/api/v1/locks', { env: 'prod', resource: 'retired' })).toMatchObject({ http: 201, status: 'created', reasons: [] });
  });
});
