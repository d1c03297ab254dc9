import { describe, expect, it } from 'vitest';
import type { DeployerStatus } from '@cascade/common';
import { MetricsRegistry, hashToken, serve, silentLogger } from '@cascade/common/service';
import { ScriptLogStore } from '../scripts/log-store.ts';
import { createDeployerClient } from '@cascade/common/peers';
import { createDeployerApi } from './routes.ts';

const tokens = [
  { name: 'ops', role: 'admin' as const, sha256: hashToken('admin-token') },
  { name: 'ci', role: 'ci' as const, sha256: hashToken('ci-token') },
  { name: 'dash', role: 'viewer' as const, sha256: hashToken('viewer-token') },
];
const status: DeployerStatus = { commit: 'c1', environments: [{ env: 'dev', target: 'local', commit: 'c1', state: 'Clean', resources: [] }] };

function api(ready = true) {
  const logs = new ScriptLogStore();
  logs.add('previews', 'shop/feature-x', { action: 'create', args: ['--tag', '1'], startedAt: '2024-01-01T00:00:00Z', durationMs: 5, exitCode: 0, timedOut: false, stdout: 'ok', stderr: '' });
  let refreshes = 0;
  const refresh = async () => {
    refreshes++;
    return { outcome: 'succeeded' as const };
  };
  const app = createDeployerApi({ core: { status: () => status, ready: () => ready }, refresh, logs, logger: silentLogger, metrics: new MetricsRegistry(), tokens });
  return { app, refreshes: () => refreshes };
}
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('deployer API', () => {
  it('serves the status to anyone who can reach it', async () => {
    const res = await api().app.request('/status');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(status);
  });

  it('sends a large status over a socket in full, framed by its length', async () => {
    const resources = Array.from({ length: 20_000 }, (_, i) => ({ name: `shop/service-${i}`, state: 'Clean' as const, version: '1.0.0', errors: [] }));
    const large: DeployerStatus = { commit: 'c1', environments: ['dev', 'pp'].map((env) => ({ env, target: 'local', commit: 'c1', state: 'Clean' as const, resources })) };
    const app = createDeployerApi({ core: { status: () => large, ready: () => true }, refresh: async () => ({ outcome: 'succeeded' as const }), logs: new ScriptLogStore(), logger: silentLogger, metrics: new MetricsRegistry(), tokens });
    const server = await serve(app, '127.0.0.1:0');
    try {
      for (const answer of [await fetch(`${server.url}/status`), await fetch(`${server.url}/refresh?wait=true`, { method: 'POST' })]) {
        const body = Buffer.from(await answer.arrayBuffer());
        expect(answer.status).toBe(200);
        expect(answer.headers.get('content-type')).toBe('application/json');
        expect(Number(answer.headers.get('content-length'))).toBe(body.byteLength);
        expect(JSON.parse(body.toString('utf8'))).toEqual(large);
      }
    } finally {
      await server.close();
    }
  });

  it('answers 304 Not Modified to a peer that has the status already, and the whole status once it changed', async () => {
    const { app } = api();
    const first = await app.request('/status');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    const again = await app.request('/status', { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const stale = await app.request('/status', { headers: { 'if-none-match': '"something-else"' } });
    expect(stale.status).toBe(200);
    expect(await stale.json()).toEqual(status);
  });

  it('sends a peer that names the status it holds what changed since; the client applies it, keeping unchanged reports', async () => {
    const resource = (name: string, state: 'Clean' | 'InProgress') => ({ name, state, errors: [] });
    const devResources = [resource('shop/cart', 'Clean'), resource('shop/search', 'Clean')];
    const pp = { env: 'pp', target: 'local', commit: 'c1', state: 'Clean' as const, resources: [resource('shop/cart', 'Clean')] };
    let current: DeployerStatus = { commit: 'c1', environments: [{ env: 'dev', target: 'local', commit: 'c1', state: 'Clean', resources: devResources }, pp] };
    const app = createDeployerApi({ core: { status: () => current, ready: () => true }, refresh: async () => ({ outcome: 'succeeded' as const }), logs: new ScriptLogStore(), logger: silentLogger, metrics: new MetricsRegistry(), tokens });
    const bodies: string[] = [];
    const client = createDeployerClient('http://deployer.test', {
      fetch: async (url, init) => {
        const res = await app.request(String(url), init);
        const text = await res.clone().text();
        bodies.push(text);
        return res;
      },
    });
    const first = await client.status();
    expect(first).toEqual(current);

    // One resource of dev moves: only it travels; pp stays the object the client had.
    current = { ...current, commit: 'c2', environments: [{ ...current.environments[0]!, commit: 'c2', state: 'InProgress', resources: [devResources[0]!, resource('shop/search', 'InProgress')] }, pp] };
    const second = await client.status();
    expect(second).toEqual(current);
    expect(second.environments[1]).toBe(first.environments[1]);
    expect(second.environments[0]!.resources[0]).toBe(first.environments[0]!.resources[0]);
    expect(JSON.parse(bodies.at(-1)!)).toMatchObject({ delta: { environments: [{ env: 'dev', reports: { upsert: [{ name: 'shop/search' }], remove: [] } }, { env: 'pp', reports: { upsert: [], remove: [] } }] } });

    // A resource added: it travels alone, and the status still reads as the deployer's.
    current = { ...current, environments: [current.environments[0]!, { ...pp, resources: [...pp.resources, resource('shop/new', 'InProgress')] }] };
    expect(await client.status()).toEqual(current);
    expect(JSON.parse(bodies.at(-1)!)).toMatchObject({ delta: { environments: [{ env: 'dev', reports: { upsert: [] } }, { env: 'pp', reports: { upsert: [{ name: 'shop/new' }], remove: [] } }] } });

    // Reports reordered: no patch by name can say that, so that environment's reports travel whole.
    current = { ...current, environments: [current.environments[0]!, { ...pp, resources: [...current.environments[1]!.resources].reverse() }] };
    expect(await client.status()).toEqual(current);
    expect(JSON.parse(bodies.at(-1)!)).toMatchObject({ delta: { environments: [{ env: 'dev', reports: { upsert: [] } }, { env: 'pp', resources: [{ name: 'shop/new' }, { name: 'shop/cart' }] }] } });

    // An environment added: no delta can say that, so the whole status comes.
    current = { ...current, environments: [...current.environments, { env: 'prod', target: 'local', state: 'Outdated', resources: [] }] };
    expect(await client.status()).toEqual(current);
    expect(JSON.parse(bodies.at(-1)!)).not.toHaveProperty('delta');

    // Unchanged: 304, the same object again.
    const same = await client.status();
    expect(await client.status()).toBe(same);
  });

  it('answers a peer naming a status it never handed out with the whole status', async () => {
    const { app } = api();
    const res = await app.request('/status?since=%22unknown%22');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(status);
  });

  it('asks for a pass on POST /refresh without a token (a webhook or a peer), answering 202, or with ?wait=true the status after it', async () => {
    const { app, refreshes } = api();
    const res = await app.request('/refresh', { method: 'POST' });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: true });
    expect((await app.request('/refresh', { method: 'POST', ...bearer('ci-token') })).status).toBe(202);
    const waited = await app.request('/refresh?wait=true', { method: 'POST' });
    expect(waited.status).toBe(200);
    expect(await waited.json()).toEqual(status);
    expect(refreshes()).toBe(3);
  });

  it('keeps GET /logs closed to requests without a token', async () => {
    expect((await api().app.request('/logs/previews/shop/feature-x')).status).toBe(401);
  });

  it('shows control-script logs to admins only, for resource names with slashes', async () => {
    const { app } = api();
    expect((await app.request('/logs/previews/shop/feature-x', bearer('ci-token'))).status).toBe(403);
    const res = await app.request('/logs/previews/shop/feature-x', bearer('admin-token'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ env: 'previews', resource: 'shop/feature-x', runs: [{ action: 'create', stdout: 'ok' }] });
    expect((await app.request('/logs/previews/..%2Fetc', bearer('admin-token'))).status).toBe(400);
  });

  it('refuses log requests for names the repo could not hold, with invalid-name', async () => {
    const { app } = api();
    for (const path of ['/logs/Previews/shop/feature-x', `/logs/${'p'.repeat(64)}/shop`, '/logs/previews/shop%2F%2Fcart', '/logs/previews/Shop']) {
      const res = await app.request(path, bearer('admin-token'));
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code, path).toBe('invalid-name');
    }
  });

  it('shows a staging\'s action records to admins only, and refuses names no staging file could have', async () => {
    const records = [{ action: 'create' as const, startedAt: '2026-01-01T00:00:00Z', result: 'succeeded' as const, commit: 'c1' }];
    const app = createDeployerApi({
      core: { status: () => status, ready: () => true }, refresh: async () => ({ outcome: 'succeeded' as const }), logs: new ScriptLogStore(), logger: silentLogger, metrics: new MetricsRegistry(), tokens,
      stagingActions: (name) => (name === 'feature-x' ? records : undefined),
    });
    expect((await app.request('/stagings/feature-x/actions')).status).toBe(401);
    expect((await app.request('/stagings/feature-x/actions', bearer('viewer-token'))).status).toBe(403);
    const res = await app.request('/stagings/feature-x/actions', bearer('admin-token'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: 'feature-x', actions: records });
    expect(await (await app.request('/stagings/other/actions', bearer('admin-token'))).json()).toEqual({ name: 'other', actions: [] });
    const bad = await app.request('/stagings/Feature_X/actions', bearer('admin-token'));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid-name');
  });

  it('is ready only after the first pass', async () => {
    expect((await api(false).app.request('/readyz')).status).toBe(503);
    expect((await api(true).app.request('/readyz')).status).toBe(200);
  });

  it('answers a malformed percent-escape in the resource path with 400 naming the segment, never a 500', async () => {
    const { app } = api();
    for (const segment of ['%E0%A4%A', 'shop/%', 'shop%2', '%C3%28']) {
      const res = await app.request(`/logs/previews/${segment}`, bearer('admin-token'));
      expect(res.status, segment).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string; details: { segment: string } } };
      expect(body.error, segment).toMatchObject({ code: 'invalid-path', details: { segment } });
      expect(body.error.message, segment).toContain(`"${segment}"`);
      expect(JSON.stringify(body), segment).not.toMatch(/stack|at .*\.ts:/);
    }
  });
});
