// After an acknowledged write the aggregator tells the deployer and the transitioner to look now; a refused write tells
// nobody; and its own POST /refresh makes it look at once.
import { execFileSync } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { Hono } from 'hono';
import { serve, type ServerHandle } from '@cascade/common/service';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness | undefined;
const servers: ServerHandle[] = [];
afterEach(async () => {
  await h?.cleanup();
  for (const server of servers.splice(0)) await server.close();
});

/** A peer counting `POST /refresh`; it answers only once released, like a deployer busy with a pass. */
async function peer() {
  let refreshes = 0;
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const app = new Hono();
  app.post('/refresh', async (c) => {
    refreshes += 1;
    await held;
    return c.json({ accepted: true }, 202);
  });
  const server = await serve(app, '127.0.0.1:0');
  servers.push(server);
  return { url: server.url, refreshes: () => refreshes, release };
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  return condition();
};

it('notifies both peers after a push without waiting for them, and nobody after a refused write', async () => {
  const deployer = await peer();
  const transitioner = await peer();
  h = await startHarness({ deployerUrl: deployer.url, transitionerUrl: transitioner.url });
  const refused = await h.call('POST', '/api/v1/versions', { role: 'ci', body: { resource: 'search', version: '1.0.0' } });
  expect(refused.status).toBe(422);
  // The peers hold their answers: the push is still answered at once.
  const pushed = await h.call('POST', '/api/v1/versions', { role: 'ci', body: { resource: 'shop/cart', version: '1.1.0' } });
  expect(pushed.status).toBe(201);
  expect(await until(() => deployer.refreshes() === 1 && transitioner.refreshes() === 1)).toBe(true);
  deployer.release();
  transitioner.release();
});

it('looks at the repo at once on POST /refresh, without a token, as a peer or a webhook calls it', async () => {
  h = await startHarness();
  const clone = await h.fx.clone();
  execFileSync('git', ['commit', '--allow-empty', '-q', '-m', 'A person commits directly'], { cwd: clone });
  execFileSync('git', ['push', '-q', 'origin', 'HEAD:main'], { cwd: clone });
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: clone }).toString().trim();

  const refresh = await h.call('POST', '/refresh');
  expect(refresh.status).toBe(202);
  const seen = async () => ((await (await h!.call('GET', '/api/v1/status', { role: 'viewer' })).json()) as { commit: string }).commit === head;
  let caughtUp = false;
  for (let i = 0; i < 200 && !caughtUp; i++) {
    caughtUp = await seen();
    if (!caughtUp) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  expect(caughtUp).toBe(true);
});

it('answers POST /refresh?wait=true only once the new head is read, so the next status shows it', async () => {
  h = await startHarness();
  const clone = await h.fx.clone();
  execFileSync('git', ['commit', '--allow-empty', '-q', '-m', 'A person commits directly'], { cwd: clone });
  execFileSync('git', ['push', '-q', 'origin', 'HEAD:main'], { cwd: clone });
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: clone }).toString().trim();

  const refresh = await h.call('POST', '/refresh?wait=true');
  expect(refresh.status).toBe(200);
  expect(await refresh.json()).toEqual({ refreshed: true });
  expect(((await (await h.call('GET', '/api/v1/status', { role: 'viewer' })).json()) as { commit: string }).commit).toBe(head);
});

it('does not fetch the repo when a peer says only its status changed (?changed=status), and does for any other refresh', async () => {
  h = await startHarness();
  const status = async () => ((await (await h!.call('GET', '/api/v1/status', { role: 'viewer' })).json()) as { commit: string }).commit;
  const before = await status();
  const clone = await h.fx.clone();
  execFileSync('git', ['commit', '--allow-empty', '-q', '-m', 'A person commits directly'], { cwd: clone });
  execFileSync('git', ['push', '-q', 'origin', 'HEAD:main'], { cwd: clone });
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: clone }).toString().trim();

  expect((await h.call('POST', '/refresh?changed=status&wait=true')).status).toBe(200);
  expect(await status()).toBe(before);
  expect((await h.call('POST', '/refresh?wait=true')).status).toBe(200);
  expect(await status()).toBe(head);
});
