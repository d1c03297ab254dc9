// Every endpoint over HTTP (in-process) against a real bare remote: what it answers and what it commits.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { AggregatorStatus, EnvVersions, HistoryPage, LockResponse, PushVersionResponse, RollbackResponse, WhoamiResponse } from '@cascade/common/api';
import { ROLE_PERMISSIONS } from '@cascade/common/service';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.cleanup());

const push = (body: unknown) => h.call('POST', '/api/v1/versions', { role: 'ci', body });

describe('POST /versions', () => {
  it('commits the version file with changelog and trailers, answering 201 only once the remote has it', async () => {
    const res = await push({ resource: 'shop/cart', version: '1.1.0', fields: { image: 'registry/cart:1.1.0', replicas: 3 }, changelog: 'Faster checkout' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as PushVersionResponse;
    expect(body).toMatchObject({ status: 'created', resource: 'shop/cart', env: 'latest', version: '1.1.0' });
    expect((await h.fx.readRef('main'))).toBe(body.commit);
    const file = await h.fx.readFile('main', 'latest/version/shop/cart.yaml');
    expect(file).toContain('# managed by CI');
    expect(parse(file as string)).toEqual({ version: '1.1.0', image: 'registry/cart:1.1.0', replicas: 3 });
    const message = await h.fx.git('log', '-1', '--format=%an%n%B', 'main');
    expect(message).toBe('ci-bot\nUpdate shop/cart to 1.1.0\n\nFaster checkout\n\nCascade-Type: Version\nCascade-Resource: shop/cart\nCascade-Env: latest\nCascade-Version: 1.1.0\nCascade-Requested-By: ci-bot\n\n');
  });

  it('answers a repeated push with 200 and the commit holding it, making no new commit', async () => {
    const first = (await (await push({ resource: 'shop/cart', version: '1.1.0', changelog: 'x' })).json()) as PushVersionResponse;
    await h.call('POST', '/api/v1/locks', { role: 'operator', body: { env: 'prod', reason: 'unrelated commit on top' } });
    const before = await h.remoteCommits();
    const again = await push({ resource: 'shop/cart', version: '1.1.0', changelog: 'x' });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'unchanged', commit: first.commit });
    expect(await h.remoteCommits()).toEqual(before);
  });

  it('creates a new resource where its base exists, and refuses one without a base with 422 naming the file', async () => {
    expect((await push({ resource: 'payments', version: '2.0.0', fields: { image: 'p:2', replicas: 1 } })).status).toBe(201);
    const before = await h.remoteCommits();
    // An operator: ci pushes only into latest (versions-rules.test.ts).
    const res = await h.call('POST', '/api/v1/versions', { role: 'operator', body: { resource: 'search', version: '1.0.0', env: 'dev' } });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: { code: 'missing-base', details: { file: 'dev/base/search.yaml' } } });
    const unknownEnv = await push({ resource: 'search', version: '1.0.0', env: 'staging' });
    expect(unknownEnv.status).toBe(404);
    expect(await unknownEnv.json()).toMatchObject({ error: { code: 'unknown-environment', details: { env: 'staging', environments: ['latest', 'dev', 'prod'] } } });
    expect(await h.remoteCommits()).toEqual(before);
  });
});

describe('locks', () => {
  it('locks and unlocks an environment and a resource, keeping comments, one commit each', async () => {
    const lock = await h.call('POST', '/api/v1/locks', { role: 'operator', body: { env: 'prod', reason: 'release freeze' } });
    expect(lock.status).toBe(201);
    expect(await lock.json()).toMatchObject({ status: 'created', env: 'prod', reasons: ['release freeze'] });
    const again = await h.call('POST', '/api/v1/locks', { role: 'operator', body: { env: 'prod', reason: 'release freeze' } });
    expect(again.status).toBe(200);
    await h.call('POST', '/api/v1/locks', { role: 'operator', body: { env: 'prod', resource: 'shop/cart', reason: 'incident 4711' } });
    const locks = await h.fx.readFile('main', 'prod/locks.yaml');
    expect(locks).toContain('# locks of prod');
    expect(parse(locks as string)).toEqual({ env_lock: { reasons: ['release freeze'] }, resource_locks: { 'shop/cart': { reasons: ['incident 4711'] } } });
    expect(await h.fx.git('log', '-1', '--format=%B', 'main')).toContain('Cascade-Type: Lock\nCascade-Env: prod\nCascade-Resource: shop/cart');
    const unlock = await h.call('DELETE', '/api/v1/locks', { role: 'operator', body: { env: 'prod' } });
    expect((await unlock.json()) as LockResponse).toMatchObject({ status: 'created', reasons: [] });
    expect(parse((await h.fx.readFile('main', 'prod/locks.yaml')) as string)).toEqual({ resource_locks: { 'shop/cart': { reasons: ['incident 4711'] } } });
  });

  it('requires a reason to lock and refuses an unknown environment', async () => {
    const res = await h.call('POST', '/api/v1/locks', { role: 'operator', body: { env: 'prod' } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { details: { field: 'reason' } } });
    expect((await h.call('POST', '/api/v1/locks', { role: 'operator', body: { env: 'qa', reason: 'x' } })).status).toBe(404);
  });
});

describe('POST /rollbacks', () => {
  it('puts an earlier version back and locks the resource in the same commit, by version or by commit', async () => {
    const res = await h.call('POST', '/api/v1/rollbacks', { role: 'operator', body: { env: 'prod', resource: 'shop/cart', to: '0.9.0' } });
    expect(res.status).toBe(201);
    const body = (await res.json()) as RollbackResponse;
    expect(body).toMatchObject({ version: '0.9.0', restoredFrom: h.fx.commits['initial'], lock: { reason: 'rolled back to 0.9.0 by operator-bot' } });
    expect(body.message).toContain('unlock it to resume promotion');
    const changed = (await h.fx.git('show', '--name-only', '--format=', 'main')).trim().split('\n').sort();
    expect(changed).toEqual(['prod/locks.yaml', 'prod/version/shop/cart.yaml']);
    expect(parse((await h.fx.readFile('main', 'prod/version/shop/cart.yaml')) as string)).toMatchObject({ version: '0.9.0', image: 'registry/cart:0.9.0' });
    expect(await h.fx.git('log', '-1', '--format=%B', 'main')).toContain('Cascade-Type: Rollback');
    const byCommit = await h.call('POST', '/api/v1/rollbacks', { role: 'operator', body: { env: 'prod', resource: 'shop/cart', to: (h.fx.commits['promote-prod'] as string).slice(0, 10) } });
    expect(byCommit.status).toBe(201);
    expect(await byCommit.json()).toMatchObject({ version: '1.0.0' });
  });

  it('answers 404 for a version the environment never had, listing the ones it had', async () => {
    const res = await h.call('POST', '/api/v1/rollbacks', { role: 'operator', body: { env: 'prod', resource: 'shop/cart', to: '7.7.7' } });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { message: string } };
    expect(body).toMatchObject({ error: { code: 'version-not-found', details: { field: 'to', versions: ['1.0.0', '0.9.0'] } } });
    expect(body.error.message).toContain('it had 1.0.0, 0.9.0');
  });

  it('rolls back several environments in one commit, locking the resource in each', async () => {
    await push({ resource: 'shop/cart', version: '1.1.0' });
    await h.call('POST', '/api/v1/versions', { role: 'operator', body: { resource: 'shop/cart', version: '1.1.0', env: 'dev' } });
    await h.call('POST', '/api/v1/versions', { role: 'operator', body: { resource: 'shop/cart', version: '1.1.0', env: 'prod' } });
    const before = (await h.remoteCommits()).length;
    const res = await h.call('POST', '/api/v1/rollbacks', { role: 'operator', body: { env: 'dev', alsoIn: ['prod'], resource: 'shop/cart', to: '1.0.0' } });
    expect(res.status).toBe(201);
    const body = (await res.json()) as RollbackResponse;
    expect(body.message).toMatch(/^shop\/cart in dev and prod is back at 1\.0\.0 and locked there/);
    expect(body.environments?.map((e) => e.env)).toEqual(['dev', 'prod']);
    expect((await h.remoteCommits()).length).toBe(before + 1);
    const changed = (await h.fx.git('show', '--name-only', '--format=', 'main')).trim().split('\n').sort();
    expect(changed).toEqual(['dev/locks.yaml', 'dev/version/shop/cart.yaml', 'prod/locks.yaml', 'prod/version/shop/cart.yaml']);
    for (const env of ['dev', 'prod']) {
      expect(parse((await h.fx.readFile('main', `${env}/version/shop/cart.yaml`)) as string)).toMatchObject({ version: '1.0.0' });
      expect(parse((await h.fx.readFile('main', `${env}/locks.yaml`)) as string)).toMatchObject({ resource_locks: { 'shop/cart': { reasons: ['rolled back to 1.0.0 by operator-bot'] } } });
    }
    expect(await h.fx.git('log', '-1', '--format=%B', 'main')).toContain('Cascade-Env: dev\nCascade-Env: prod');
  });

  it('refuses an unknown further environment before writing anything', async () => {
    const before = await h.remoteCommits();
    const res = await h.call('POST', '/api/v1/rollbacks', { role: 'operator', body: { env: 'prod', alsoIn: ['qa'], resource: 'shop/cart', to: '0.9.0' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'unknown-environment' } });
    expect(await h.remoteCommits()).toEqual(before);
  });
});

describe('GET /versions', () => {
  it('lists exactly the versions an environment ran, newest first, with the commit, time and author', async () => {
    await h.call('POST', '/api/v1/rollbacks', { role: 'operator', body: { env: 'prod', resource: 'shop/cart', to: '0.9.0' } });
    const res = await h.call('GET', '/api/v1/versions?env=prod&resource=shop%2Fcart', { role: 'viewer' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as EnvVersions;
    expect(body).toMatchObject({ env: 'prod', resource: 'shop/cart', current: '0.9.0' });
    expect(body.versions.map((v) => [v.version, v.type])).toEqual([
      ['0.9.0', 'Rollback'],
      ['1.0.0', 'Transition'],
    ]);
    expect(body.versions[1]).toMatchObject({ commit: h.fx.commits['promote-prod'], author: { name: expect.any(String) }, time: expect.any(String) });
    const dev = (await (await h.call('GET', '/api/v1/versions?env=dev&resource=shop%2Fcart', { role: 'viewer' })).json()) as EnvVersions;
    expect(dev.versions.map((v) => v.version)).toEqual(['1.0.0']);
  });

  it('names an unknown environment or resource, and refuses a missing parameter', async () => {
    expect(await (await h.call('GET', '/api/v1/versions?env=qa&resource=shop%2Fcart', { role: 'viewer' })).json()).toMatchObject({ error: { code: 'unknown-environment' } });
    expect(await (await h.call('GET', '/api/v1/versions?env=prod&resource=shop%2Fcrt', { role: 'viewer' })).json()).toMatchObject({ error: { code: 'unknown-resource' } });
    expect((await h.call('GET', '/api/v1/versions?env=prod', { role: 'viewer' })).status).toBe(400);
  });
});

describe('reads', () => {
  it('serves the status with environments in pipeline order, versions with their origin, locks and unreachable peers', async () => {
    await push({ resource: 'shop/cart', version: '1.1.0', changelog: 'New cart' });
    await h.call('POST', '/api/v1/locks', { role: 'operator', body: { env: 'prod', reason: 'freeze' } });
    await h.aggregator.refresh();
    const status = (await (await h.call('GET', '/api/v1/status', { role: 'viewer' })).json()) as AggregatorStatus;
    expect(status.environments.map((e) => e.name)).toEqual(['latest', 'dev', 'prod']);
    expect(status.environments[2]).toMatchObject({ name: 'prod', lockReasons: ['freeze'], deployer: { target: 'local', namespace: 'prod' } });
    const cart = status.resources.find((r) => r.name === 'shop/cart');
    expect(cart?.envs['latest']).toMatchObject({ kind: 'template', version: '1.1.0', locked: false });
    expect(cart?.envs['prod']).toMatchObject({ version: '1.0.0', locked: true });
    expect(cart?.versions[0]).toMatchObject({ version: '1.1.0', changelog: 'New cart', author: 'ci-bot', env: 'latest', presentIn: ['latest'] });
    expect(cart?.versions.map((v) => v.version)).toEqual(['1.1.0', '1.0.0']);
    expect(status.resources.find((r) => r.name === 'payments')?.envs['latest']?.kind).toBe('unreleased');
    expect(status.deployer).toMatchObject({ state: 'unreachable', url: 'http://127.0.0.1:9' });
  });

  it('pages history newest first with filters and a cursor', async () => {
    for (const v of ['1.1.0', '1.2.0', '1.3.0']) await push({ resource: 'shop/cart', version: v });
    await h.call('POST', '/api/v1/locks', { role: 'operator', body: { env: 'prod', reason: 'freeze' } });
    await h.aggregator.refresh();
    const page = async (query: string) => (await (await h.call('GET', `/api/v1/history?${query}`, { role: 'viewer' })).json()) as HistoryPage;
    const all = await page('limit=2');
    expect(all.entries.map((e) => e.type)).toEqual(['Lock', 'Version']);
    const rest = await page(`limit=10&cursor=${all.nextCursor}`);
    expect(rest.entries.map((e) => e.subject)).toEqual(['Update shop/cart to 1.2.0', 'Update shop/cart to 1.1.0', 'Promote shop/cart to prod', 'Initial resource repo']);
    expect(rest.nextCursor).toBeNull();
    const versions = await page('type=Version&env=latest');
    expect(versions.entries.map((e) => e.versions[0])).toEqual(['1.3.0', '1.2.0', '1.1.0']);
    expect(versions.entries[0]).toMatchObject({ resources: ['shop/cart'], environments: ['latest'], author: { name: 'ci-bot' } });
    expect((await page('env=prod')).entries.map((e) => e.type)).toEqual(['Lock', 'Transition', 'Manual']);
    const bad = await h.call('GET', '/api/v1/history?env=../x', { role: 'viewer' });
    expect(bad.status).toBe(400);
    const unknownType = await h.call('GET', '/api/v1/history?type=Deploy', { role: 'viewer' });
    expect(unknownType.status).toBe(400);
    expect(((await unknownType.json()) as { error: { details?: { field?: string } } }).error.details?.field).toBe('type');
  });

  it('says who the token is on GET /whoami, with the role and its permissions', async () => {
    const res = await h.call('GET', '/api/v1/whoami', { role: 'operator' });
    expect(res.status).toBe(200);
    expect((await res.json()) as WhoamiResponse).toEqual({ name: 'operator-bot', role: 'operator', anonymous: false, permissions: [...ROLE_PERMISSIONS.operator] });
    expect(((await (await h.call('GET', '/api/v1/whoami', { role: 'admin' })).json()) as WhoamiResponse).permissions).toContain('logs:read');
    expect((await h.call('GET', '/api/v1/whoami')).status).toBe(401);
    const open = await startHarness({ anonymousRead: true });
    try {
      expect(await (await open.call('GET', '/api/v1/whoami')).json()).toEqual({ name: 'anonymous', role: 'viewer', anonymous: true, permissions: ['read'] });
    } finally {
      await open.cleanup();
    }
  });

  it('describes every /api/v1 route in the OpenAPI document', async () => {
    const doc = (await (await h.call('GET', '/api/v1/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const routes = h.aggregator.app.routes.filter((r) => r.path.startsWith('/api/v1/') && r.method !== 'ALL');
    expect(routes.length).toBeGreaterThan(7);
    for (const route of routes) {
      // Hono writes a path parameter as `:name`, OpenAPI as `{name}`.
      const documented = route.path.slice('/api/v1'.length).replace(/:(\w+)/g, '{$1}');
      expect([route.method, route.path, doc.paths[documented]?.[route.method.toLowerCase()] !== undefined]).toEqual([route.method, route.path, true]);
    }
  });

  it('answers unknown API paths with the JSON 404 and other paths with the UI (or a page saying it is not built)', async () => {
    const api = await h.call('GET', '/api/v1/nope');
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: 'not-found' } });
    const ui = await h.call('GET', '/environments/prod');
    expect(await ui.text()).toContain('UI is not built');
    // The service's log says so too, once: a person who only sees a 404 in the browser finds why there.
    expect(h.logs().split('\n').filter((line) => line.includes('the dashboard is not built'))).toHaveLength(1);
    expect((await h.call('GET', '/healthz')).status).toBe(200);
    expect((await h.call('GET', '/readyz')).status).toBe(200);
  });
});
