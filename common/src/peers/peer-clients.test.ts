// The peer clients against real HTTP servers: a status passes through checked; every other answer is a PeerError saying why.
import { afterEach, describe, expect, it } from 'vitest';
import { Hono, type Context } from 'hono';
import type { DeployerStatus } from '../status/deployer.ts';
import type { TransitionerStatus } from '../status/transitioner.ts';
import { serve, type ServerHandle } from '../service/http/serve.ts';
import { heapAfterCollection } from '../testing/retained.ts';
import { callPeer, type PeerAnswer } from './call-peer.ts';
import { createDeployerClient } from './deployer-client.ts';
import { PeerError } from './peer-error.ts';
import { createTransitionerClient } from './transitioner-client.ts';

const servers: ServerHandle[] = [];
let release = () => {};
afterEach(async () => {
  release();
  for (const server of servers.splice(0)) await server.close();
});

/** A peer answering every request with `answer`; `hold` keeps it from answering until the test ends. */
async function peer(answer: (c: Context) => Response, options: { hold?: boolean } = {}) {
  const held = new Promise<void>((resolve) => (release = resolve));
  const app = new Hono();
  app.all('*', async (c) => {
    if (options.hold) await held;
    return answer(c);
  });
  const server = await serve(app, '127.0.0.1:0');
  servers.push(server);
  return server.url;
}

const deployerStatus: DeployerStatus = { commit: 'c1', environments: [{ env: 'dev', target: 'local', commit: 'c1', state: 'Clean', resources: [{ name: 'shop/cart', state: 'Clean', errors: [] }] }] };
const transitionerStatus: TransitionerStatus = { commit: 'c1', transitions: [{ name: 'dev', source: 'latest', target: 'dev' }] };

/**
 * The answer of `url` in a holder a test can empty. Called in a frame of its own: a register of the test's frame could
 * otherwise still hold the answer once the holder is emptied.
 */
async function heldAnswer(url: string): Promise<{ answer?: PeerAnswer }> {
  return { answer: await callPeer({ peer: 'deployer', method: 'GET', url }, {}) };
}

async function failure(call: Promise<unknown>): Promise<PeerError> {
  const error = await call.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(PeerError);
  return error as PeerError;
}

describe('peer clients', () => {
  it('pass a status of the right shape through, whether or not the base URL ends in a slash', async () => {
    const url = await peer((c) => c.json(deployerStatus));
    expect(await createDeployerClient(`${url}/`).status()).toEqual(deployerStatus);
    const other = await peer((c) => c.json(transitionerStatus));
    expect(await createTransitionerClient(other).status()).toEqual(transitionerStatus);
  });

  it('asks the deployer with the entity tag of the status it has, and keeps that status when told it is not modified', async () => {
    let current = deployerStatus;
    const asked: Array<string | undefined> = [];
    const url = await peer((c) => {
      const etag = `"${current.commit}"`;
      asked.push(c.req.header('if-none-match'));
      return c.req.header('if-none-match') === etag ? c.body(null, 304, { etag }) : c.json(current, 200, { etag });
    });
    const client = createDeployerClient(url);
    const first = await client.status();
    const second = await client.status();
    // Not modified: the very object received before, neither sent nor parsed again.
    expect(second).toBe(first);
    current = { ...deployerStatus, commit: 'c2' };
    const third = await client.status();
    expect(third.commit).toBe('c2');
    expect(asked).toEqual([undefined, '"c1"', '"c1"']);
  });

  it('asks for the whole status again when a delta does not fit the status it holds, or is since another one', async () => {
    const asked: string[] = [];
    // The held status has dev alone: a delta of pp does not fit it.
    const misfit = { since: '"c1"', commit: 'c2', environments: [{ env: 'pp', target: 'local', state: 'Clean', reports: { upsert: [{ name: 'shop/other', state: 'Clean', errors: [] }], remove: [] } }] };
    const otherSince = { ...misfit, since: '"c0"', environments: [{ env: 'dev', target: 'local', state: 'Clean', reports: { upsert: [], remove: [] } }] };
    let next: unknown = misfit;
    const whole: DeployerStatus = { ...deployerStatus, commit: 'c2' };
    const url = await peer((c) => {
      asked.push(c.req.url.replace(/^http:\/\/[^/]+/, ''));
      if (c.req.query('since') === undefined) return c.json(asked.length === 1 ? deployerStatus : whole, 200, { etag: asked.length === 1 ? '"c1"' : '"c2"' });
      return c.json({ delta: next }, 200, { etag: '"c2"' });
    });
    const client = createDeployerClient(url);
    await client.status();
    expect(await client.status()).toEqual(whole);
    expect(asked).toEqual(['/status', '/status?since=%22c1%22', '/status']);
    next = otherSince;
    expect(await client.status()).toEqual(whole);
    expect(asked.slice(3)).toEqual(['/status?since=%22c2%22', '/status']);
  });

  it('hands out the deployer\'s status frozen, and after a delta the reports it left alone are the frozen objects held before', async () => {
    const delta = { since: '"c1"', commit: 'c2', environments: [{ env: 'dev', target: 'local', state: 'Clean', reports: { upsert: [{ name: 'shop/other', state: 'Clean', errors: [] }], remove: [] } }] };
    const url = await peer((c) => (c.req.query('since') === undefined ? c.json(deployerStatus, 200, { etag: '"c1"' }) : c.json({ delta }, 200, { etag: '"c2"' })));
    const client = createDeployerClient(url);
    const first = await client.status();
    const second = await client.status();
    const cart = (status: DeployerStatus) => status.environments[0]!.resources.find((r) => r.name === 'shop/cart');
    expect(second.environments[0]!.resources.map((r) => r.name).sort()).toEqual(['shop/cart', 'shop/other']);
    expect(cart(second)).toBe(cart(first));
    for (const status of [first, second]) {
      for (const part of [status, status.environments, status.environments[0], status.environments[0]!.resources, ...status.environments[0]!.resources]) expect(Object.isFrozen(part)).toBe(true);
    }
  });

  it('turn an answer of another shape into a malformed-answer error naming the peer and the field', async () => {
    const deployer = await failure(createDeployerClient(await peer((c) => c.json({ environments: [{ env: 'dev', state: 'Clean' }] }))).status());
    expect(deployer.data).toMatchObject({ peer: 'deployer', code: 'malformed-answer', shape: 'deployer status', field: 'environments[0].resources', problem: 'is missing' });
    expect(deployer.reason).toBe('answered something that is not a deployer status: environments[0].resources is missing');
    expect(deployer.message).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/status answered something that is not a deployer status/);

    const transitioner = await failure(createTransitionerClient(await peer((c) => c.text('<html>busy</html>'))).status());
    expect(transitioner.data).toMatchObject({ peer: 'transitioner', code: 'malformed-answer', shape: 'transitioner status', field: '' });
    expect(transitioner.reason).toBe('answered something that is not a transitioner status: the answer is not JSON');
  });

  it('turn an HTTP error, a timeout and a refused connection into errors with their own codes', async () => {
    const failing = await failure(createDeployerClient(await peer((c) => c.json({ error: { code: 'boom', message: 'boom' } }, 500))).status());
    expect(failing.data).toMatchObject({ code: 'http-status', status: 500 });
    expect(failing.reason).toBe('answered HTTP 500');

    const silent = await failure(createDeployerClient(await peer((c) => c.json(deployerStatus), { hold: true }), { timeoutMs: 200 }).status());
    expect(silent.data).toMatchObject({ code: 'timeout', timeoutMs: 200 });
    expect(silent.reason).toBe('no answer within 200 ms');

    // A port nobody listens on any more refuses connections.
    const gone = await serve(new Hono(), '127.0.0.1:0');
    await gone.close();
    const refused = await failure(createTransitionerClient(gone.url).status());
    expect(refused.data).toMatchObject({ code: 'unreachable', url: `${gone.url}/status`, cause: 'request failed (ECONNREFUSED)' });
    expect(refused.message).toBe(`GET ${gone.url}/status failed: request failed (ECONNREFUSED)`);
  });

  it('runs a transition with the caller\'s token, passes a refusal on as an outcome, and checks the result', async () => {
    const seen: Array<string | undefined> = [];
    const app = new Hono();
    app.post('/transitions/:name/run', (c) => {
      seen.push(c.req.header('authorization'));
      if (c.req.param('name') === 'prod') return c.json({ error: { code: 'forbidden', message: 'role ci may not use promotions:write' } }, 403);
      if (c.req.param('name') === 'odd') return c.json({ kind: 'Done' });
      return c.json({ kind: 'Skipped', reason: { kind: 'NoChange' } });
    });
    const server = await serve(app, '127.0.0.1:0');
    servers.push(server);
    const client = createTransitionerClient(server.url);
    expect(await client.runTransition('dev', { authorization: 'Bearer t' })).toEqual({ kind: 'ran', status: 200, result: { kind: 'Skipped', reason: { kind: 'NoChange' } } });
    expect(seen).toEqual(['Bearer t']);
    expect(await client.runTransition('prod')).toEqual({ kind: 'refused', status: 403, message: 'role ci may not use promotions:write', body: { error: { code: 'forbidden', message: 'role ci may not use promotions:write' } } });
    const odd = await failure(client.runTransition('odd'));
    expect(odd.data).toMatchObject({ peer: 'transitioner', method: 'POST', code: 'malformed-answer', shape: 'transition result', field: 'kind' });
  });

  it('reads a staging\'s action records and script runs with the caller\'s token, and checks both', async () => {
    const seen: Array<[string, string | undefined]> = [];
    const action = { action: 'create', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:02Z', durationMs: 2000, result: 'succeeded', commit: 'c1' };
    const run = { action: 'create', args: ['--name', 'feature-x'], startedAt: '2026-01-01T00:00:00Z', durationMs: 1500, exitCode: 0, timedOut: false, stdout: 'created', stderr: '' };
    const app = new Hono();
    app.get('*', (c) => {
      seen.push([c.req.path, c.req.header('authorization')]);
      if (c.req.header('authorization') !== 'Bearer admin') return c.json({ error: { code: 'forbidden', message: 'no' } }, 403);
      if (c.req.path === '/stagings/feature-x/actions') return c.json({ name: 'feature-x', actions: [action] });
      if (c.req.path === '/stagings/odd/actions') return c.json({ name: 'odd', actions: [{ ...action, durationMs: '2s' }] });
      if (c.req.path === '/logs/feature-x/feature-x') return c.json({ env: 'feature-x', resource: 'feature-x', runs: [run, { ...run, exitCode: null, timedOut: true, startError: undefined }] });
      if (c.req.path === '/logs/dev/shop/cart') return c.json({ env: 'dev', resource: 'shop/cart', runs: [{ ...run, exitCode: 'zero' }] });
      return c.json({ error: { code: 'not-found', message: 'no' } }, 404);
    });
    const server = await serve(app, '127.0.0.1:0');
    servers.push(server);
    const client = createDeployerClient(server.url);
    expect(await client.stagingActions('feature-x', { authorization: 'Bearer admin' })).toEqual([action]);
    expect(await client.scriptRuns('feature-x', 'feature-x', { authorization: 'Bearer admin' })).toEqual([run, { ...run, exitCode: null, timedOut: true }]);
    const refused = await failure(client.stagingActions('feature-x', { authorization: 'Bearer viewer' }));
    expect(refused.data).toMatchObject({ peer: 'deployer', code: 'http-status', status: 403, url: `${server.url}/stagings/feature-x/actions` });
    expect((await failure(client.stagingActions('feature-x'))).data).toMatchObject({ code: 'http-status', status: 403 });
    const odd = await failure(client.stagingActions('odd', { authorization: 'Bearer admin' }));
    expect(odd.reason).toBe('answered something that is not a staging action log: actions[0].durationMs is not a number');
    const oddRun = await failure(client.scriptRuns('dev', 'shop/cart', { authorization: 'Bearer admin' }));
    expect(oddRun.reason).toBe('answered something that is not a control-script log: runs[0].exitCode is not a number');
    expect(seen.map(([path, authorization]) => `${path} ${authorization ?? '-'}`)).toEqual([
      '/stagings/feature-x/actions Bearer admin',
      '/logs/feature-x/feature-x Bearer admin',
      '/stagings/feature-x/actions Bearer viewer',
      '/stagings/feature-x/actions -',
      '/stagings/odd/actions Bearer admin',
      '/logs/dev/shop/cart Bearer admin',
    ]);
  });

  it('shares the strings of answers: a status repeating thousands of names holds each name once, and stays changeable', async () => {
    const copies = 50_000;
    // Parsed, each copy of a name is a string of its own (here of about 80 bytes).
    const names = ['team-namespace-dev', 'checkout-service-web', 'apps/v1/Deployment'].map((name) => name.padEnd(60, '-x'));
    const url = await peer((c) => c.json(Array.from({ length: copies }, (_, i) => ({ name: names[i % 3], labels: {} }))));
    // What the answer keeps is measured by dropping it, with no request in between: the connection may hold the last
    // response's text until the next request on it, which a measure across a request would count or not.
    const held = await heldAnswer(url);
    const items = () => held.answer!.body as Array<{ name: string; labels: Record<string, string> }>;
    expect(items().map((item) => item.name)).toEqual(Array.from({ length: copies }, (_, i) => names[i % 3]));
    items()[0]!.labels.app = 'web';
    expect(items()[0]!.labels).toEqual({ app: 'web' });
    const withAnswer = heapAfterCollection();
    delete held.answer;
    const kept = withAnswer - heapAfterCollection();
    // Each item is a small map and an empty one (about 100 bytes); a name of its own would add 80 more each.
    expect(kept).toBeLessThan(copies * 130);
  });
});
