// Peer polling against real HTTP peers: an unchanged status sends no delta, an answer of the wrong shape is a failed poll.
import { afterEach, expect, it } from 'vitest';
import { Hono } from 'hono';
import type { DeployerStatus } from '@cascade/common';
import { serve, type ServerHandle } from '@cascade/common/service';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness | undefined;
const servers: ServerHandle[] = [];
afterEach(async () => {
  await h?.cleanup();
  for (const server of servers.splice(0)) await server.close();
});

/** Serves whatever `GET /status` body it currently holds. */
async function statusPeer(initial: unknown) {
  let body = initial;
  const app = new Hono();
  app.get('/status', (c) => c.json(body as object));
  const server = await serve(app, '127.0.0.1:0');
  servers.push(server);
  return { url: server.url, set: (next: unknown) => void (body = next) };
}

const deployerStatus = (state: 'Clean' | 'InProgress'): DeployerStatus => ({ commit: 'c1', environments: [{ env: 'dev', target: 'local', commit: 'c1', state, resources: [] }] });

it('publishes a delta when a peer status changes, not when only the poll time does', async () => {
  const deployer = await statusPeer(deployerStatus('InProgress'));
  const transitioner = await statusPeer({ transitions: [] });
  h = await startHarness({ deployerUrl: deployer.url, transitionerUrl: transitioner.url });
  const { state } = h.aggregator;
  await state.refreshPeers();
  await state.refreshRepo();
  const seq = state.hub.current;
  const published = state.hub.state;
  const fetchedAt = state.hub.state.deployer.state === 'ok' ? state.hub.state.deployer.fetchedAt : undefined;
  expect(fetchedAt).toBeDefined();
  await new Promise((resolve) => setTimeout(resolve, 5));
  await state.refreshPeers();
  await state.refreshRepo();
  expect(state.hub.current).toBe(seq);
  expect(state.hub.state.deployer).toMatchObject({ state: 'ok', fetchedAt });
  // Nothing new from the peers nor the repo: the status was not built again (building it walks every resource).
  expect(state.hub.state).toBe(published);

  deployer.set(deployerStatus('Clean'));
  await state.refreshPeers();
  expect(state.hub.current).toBe(seq + 1);
  expect(state.hub.state.deployer).toMatchObject({ state: 'ok', status: { environments: [{ state: 'Clean' }] } });
});

it('reports a peer answering something other than its status as unreachable, naming what was expected and the wrong field', async () => {
  const deployer = await statusPeer({ hello: 'world' });
  const transitioner = await statusPeer({ transitions: [{ name: 'dev' }] });
  h = await startHarness({ deployerUrl: deployer.url, transitionerUrl: transitioner.url });
  await h.aggregator.state.refreshPeers();
  expect(h.aggregator.state.hub.state.deployer).toMatchObject({ state: 'unreachable', message: 'answered something that is not a deployer status: environments is missing' });
  expect(h.aggregator.state.hub.state.transitioner).toMatchObject({ state: 'unreachable', message: 'answered something that is not a transitioner status: transitions[0].source is missing' });
});
