// The HTTP API in-process: status, refresh and manual runs, with and without tokens.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TransitionerStatus } from '@cascade/common';
import { openRepo } from '@cascade/common/git';
import { createDeployerClient, createTransitionerClient } from '@cascade/common/peers';
import { hashToken, ManualClock, serve, silentLogger, type TokenEntry } from '@cascade/common/service';
import { createFixture } from '@cascade/git-fixture';
import { createTransitioner, type Transitioner } from '../service/transitioner.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const TOKENS: TokenEntry[] = [
  { name: 'alice', role: 'operator', sha256: hashToken('operator-token') },
  { name: 'github-ci', role: 'ci', sha256: hashToken('ci-token') },
];
// Port 9 (discard) refuses connections: these tests do not need what the deployer says.
const unreachable = createDeployerClient('http://127.0.0.1:9');

/** A transitioner on the schedule fixture (pp → prod at 06:00 Berlin), not started. */
async function transitionerFor(tokens: TokenEntry[]): Promise<Transitioner> {
  const fx = await createFixture(join(import.meta.dirname, '..', 'core', 'fixtures', 'schedule.yaml'));
  await fx.setRef('main', 'head');
  const dir = await mkdtemp(join(tmpdir(), 'cascade-transitioner-api-'));
  const repo = await openRepo({ url: fx.remote, branch: 'main', dir: join(dir, 'repo.git') });
  const config = { repo: { url: fx.remote, transport: 'path' as const, branch: 'main', pollInterval: 60_000 }, aggregator: { listen: '', deployer: '', transitioner: '', anonymousRead: false, tokens } };
  const transitioner = createTransitioner({ config, repo, deployerClient: unreachable, clock: new ManualClock('2024-01-02T04:00:00Z'), logger: silentLogger });
  cleanups.push(async () => {
    await transitioner.stop();
    await repo.close();
    await rm(dir, { recursive: true, force: true });
    await fx.cleanup();
  });
  return transitioner;
}

const post = (t: Transitioner, path: string, token?: string) => t.app.request(path, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('transitioner API', () => {
  it('reports each transition with its schedule, last result and outlook: each condition, what is pending and held', async () => {
    const t = await transitionerFor([]);
    await t.runOnce();
    const response = await t.app.request('/status');
    expect(response.status).toBe(200);
    const body = (await response.json()) as TransitionerStatus;
    expect(body.transitions).toEqual([
      {
        name: 'prod',
        source: 'pp',
        target: 'prod',
        schedule: '0 6 * * *',
        timezone: 'Europe/Berlin',
        nextRun: '2024-01-02T05:00:00.000Z',
        lastRun: '2024-01-02T04:00:00.000Z',
        lastResult: { kind: 'Skipped', reason: { kind: 'Scheduled', nextRun: '2024-01-02T05:00:00.000Z' } },
        outlook: {
          at: '2024-01-02T04:00:00.000Z',
          conditions: [
            { kind: 'NotLocked', met: true },
            { kind: 'Schedule', met: false, schedule: '0 6 * * *', timezone: 'Europe/Berlin', nextRun: '2024-01-02T05:00:00.000Z' },
          ],
          pending: [{ name: 'shop/cart', change: 'changed', from: '1.0', to: '1.1' }],
          held: [],
        },
      },
    ]);
  });

  it('runs a transition by hand outside its window, and refuses unknown ones', async () => {
    const t = await transitionerFor([]);
    const run = await post(t, '/transitions/prod/run');
    expect(run.status).toBe(200);
    expect(await run.json()).toMatchObject({ kind: 'Success', promoted: [{ name: 'shop/cart', from: '1.0', to: '1.1' }] });
    expect((await post(t, '/transitions/nope/run')).status).toBe(404);
    expect((await post(t, '/transitions/..%2Fx/run')).status).toBe(400);
  });

  it('needs a token with promotions:write to run a transition when tokens are configured, and none to refresh', async () => {
    const t = await transitionerFor(TOKENS);
    expect((await post(t, '/refresh')).status).toBe(202);
    expect((await post(t, '/refresh', 'ci-token')).status).toBe(202);
    expect((await post(t, '/transitions/prod/run')).status).toBe(401);
    expect((await post(t, '/transitions/prod/run', 'wrong')).status).toBe(401);
    expect((await post(t, '/transitions/prod/run', 'ci-token')).status).toBe(403);
    const run = await post(t, '/transitions/prod/run', 'operator-token');
    expect(run.status).toBe(200);
    expect((await t.app.request('/status')).status).toBe(200);
  });

  it('answers POST /refresh?wait=true with the status after the round it asked for', async () => {
    const t = await transitionerFor([]);
    t.start();
    const res = await post(t, '/refresh?wait=true');
    expect(res.status).toBe(200);
    const body = (await res.json()) as TransitionerStatus;
    expect(body.lastRound).toBeDefined();
    expect(body).toEqual(t.status());
    expect((await post(t, '/refresh')).status).toBe(202);
  });

  it('serves a status and run results over HTTP that the aggregator\'s transitioner client accepts as they are', async () => {
    const t = await transitionerFor([]);
    await t.runOnce();
    const server = await serve(t.app, '127.0.0.1:0');
    cleanups.push(() => server.close());
    const client = createTransitionerClient(server.url);
    expect(await client.status()).toEqual(t.status());
    expect(await client.runTransition('prod')).toMatchObject({ kind: 'ran', status: 200, result: { kind: 'Success', promoted: [{ name: 'shop/cart', to: '1.1' }] } });
    expect(await client.runTransition('nope')).toMatchObject({ kind: 'refused', status: 404, message: 'transitions.yaml has no transition "nope"' });
  });

  it('is ready only after a round has finished', async () => {
    const t = await transitionerFor([]);
    expect((await t.app.request('/readyz')).status).toBe(503);
    t.start();
    await t.refresh();
    expect((await t.app.request('/readyz')).status).toBe(200);
    expect(await (await t.app.request('/metrics')).text()).toContain('cascade_transitioner_runs_total{transition="prod",result="Skipped"}');
  });
});
