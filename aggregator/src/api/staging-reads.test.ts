// The staging list and detail against a real remote and a stand-in deployer: intent from the repo, phase and resources
// from the deployer, last change and history from the commits; changes reach the live event stream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import type { DeployerStatus, StagingStatus } from '@cascade/common';
import type { StagingDetail, StagingList, StatusEvent } from '@cascade/common/api';
import { applyDelta } from '@cascade/common/api';
import { serve, type ServerHandle } from '@cascade/common/service';
import { startHarness, stagingFixture, type Harness } from '../testing/harness.ts';
import { commitAsPerson } from '../testing/person-commit.ts';

let h: Harness;
let deployer: ServerHandle;
let stagings: StagingStatus[] = [];
beforeAll(async () => {
  // A stand-in deployer: `GET /status` answers whatever stagings the test set; `/refresh` is what writes notify.
  const app = new Hono();
  app.get('/status', (c) => c.json({ commit: 'c1', environments: [], stagings } satisfies DeployerStatus));
  app.post('/refresh', (c) => c.json({ accepted: true }, 202));
  deployer = await serve(app, '127.0.0.1:0');
  h = await startHarness({ fixture: stagingFixture({ limit: 2 }), deployerUrl: deployer.url, publicConfig: ['MODE'] });
});
afterAll(async () => {
  await h?.cleanup();
  await deployer?.close();
});

const DAY = 86_400_000;
const list = async (role: 'viewer' | 'admin' = 'viewer') => (await (await h.call('GET', '/api/v1/stagings', { role })).json()) as StagingList;
const detail = async (name: string, role: 'viewer' | 'admin' = 'viewer') => (await (await h.call('GET', `/api/v1/stagings/${name}`, { role })).json()) as StagingDetail;
const running = (name: string, extra: Partial<StagingStatus> = {}): StagingStatus => ({
  name,
  kind: 'feature',
  target: 'local',
  namespace: `shop-${name}`,
  tag: '1',
  phase: 'Running',
  links: [{ name: 'app', url: `https://${name}.shop.example.com` }, { name: 'evil', url: 'javascript:alert(1)' }],
  resources: [{ name: 'shop/cart', state: 'Clean', version: '1', liveVersion: '1', errors: [] }],
  errors: [],
  lastActionAt: '2026-12-01T10:00:00.000Z',
  commit: 'c1',
  ...extra,
});

describe('the staging list', () => {
  it('shows intent, phase, links, namespace, last change and when it is archived', async () => {
    expect((await h.call('POST', '/api/v1/stagings', { role: 'operator', body: { name: 'alpha', kind: 'feature', tag: '1', app: { MODE: 'test', API_TOKEN_HINT: 'x' } } })).status).toBe(201);
    const commit = (await h.fx.git('rev-parse', 'main')).trim();
    stagings = [running('alpha')];
    await h.aggregator.refresh();
    await h.aggregator.state.refreshPeers();
    const answer = await list();
    const alpha = answer.stagings.find((s) => s.name === 'alpha');
    expect(alpha).toMatchObject({ kind: 'feature', tag: '1', state: 'active', phase: 'Running', namespace: 'shop-alpha', target: 'local', lastChange: { commit, author: 'operator-bot', action: 'create' }, secrets: [] });
    expect(alpha?.links).toEqual([{ name: 'app', url: 'https://alpha.shop.example.com' }]);
    expect(Date.parse(alpha?.archiveAt ?? '') - Date.parse(alpha?.updatedAt ?? '')).toBe(7 * DAY);
    expect(answer.kinds.find((k) => k.name === 'feature')).toMatchObject({ template: 'dev', limit: 2, counted: 1, retentionMs: 14 * DAY });
  });

  it('shows when an archived staging is cleaned up, and who archived it', async () => {
    expect((await h.call('POST', '/api/v1/stagings/alpha/archive', { role: 'ci' })).status).toBe(403);
    expect((await h.call('POST', '/api/v1/stagings/alpha/archive', { role: 'admin' })).status).toBe(201);
    await h.aggregator.refresh();
    const alpha = (await list()).stagings.find((s) => s.name === 'alpha');
    expect(alpha).toMatchObject({ state: 'archived', lastChange: { author: 'admin-bot', action: 'archive' } });
    expect(alpha).not.toHaveProperty('archiveAt');
    expect(Date.parse(alpha?.cleanupAt ?? '') - Date.parse(alpha?.archivedAt ?? '')).toBe(14 * DAY);
  });

  it('counts an archived staging against the limit while the deployer still archives it', async () => {
    expect((await h.call('POST', '/api/v1/stagings', { role: 'operator', body: { name: 'beta', kind: 'feature', tag: '1' } })).status).toBe(201);
    stagings = [running('alpha', { phase: 'ArchivePending' }), running('beta')];
    await h.aggregator.state.refreshPeers();
    const before = await h.remoteCommits();
    const refused = await h.call('POST', '/api/v1/stagings', { role: 'operator', body: { name: 'gamma', kind: 'feature', tag: '1' } });
    expect([refused.status, ((await refused.json()) as { error: { code: string; details: unknown } }).error]).toEqual([409, expect.objectContaining({ code: 'staging-limit', details: expect.objectContaining({ stagings: ['alpha', 'beta'] }) })]);
    expect(await h.remoteCommits()).toEqual(before);
    stagings = [running('alpha', { phase: 'Archived' }), running('beta')];
    await h.aggregator.state.refreshPeers();
    expect((await h.call('POST', '/api/v1/stagings', { role: 'operator', body: { name: 'gamma', kind: 'feature', tag: '1' } })).status).toBe(201);
  });

  it('names a person\'s edit of a staging file as its last change, without an action', async () => {
    const text = (await h.fx.readFile('main', 'stagings/beta.yaml')) as string;
    const commit = await commitAsPerson(h.fx, { 'stagings/beta.yaml': text.replace('tag: "1"', 'tag: "2"').replace("tag: '1'", 'tag: "2"') }, 'Bump beta by hand');
    await h.aggregator.refresh();
    const beta = (await list()).stagings.find((s) => s.name === 'beta');
    expect(beta).toMatchObject({ tag: '2', lastChange: { commit } });
    expect(beta?.lastChange).not.toHaveProperty('action');
  });
});

describe('one staging', () => {
  it('has its history with actions and who, and its resources as the deployer reports them', async () => {
    const alpha = await detail('alpha');
    expect(alpha.history.map((e) => [e.action, e.author, e.requestedBy])).toEqual([
      ['archive', 'admin-bot', 'admin-bot'],
      ['create', 'operator-bot', 'operator-bot'],
    ]);
    expect(alpha).toMatchObject({ resources: [{ name: 'shop/cart', state: 'Clean', liveVersion: '1' }], lastActionAt: '2026-12-01T10:00:00.000Z', deployedCommit: 'c1' });
  });

  it('withholds app values not declared public from roles without secrets:read', async () => {
    expect(await detail('alpha')).toMatchObject({ app: { MODE: 'test', API_TOKEN_HINT: '[hidden]' }, withheld: ['app.API_TOKEN_HINT'] });
    const admin = await detail('alpha', 'admin');
    expect(admin.app).toEqual({ MODE: 'test', API_TOKEN_HINT: 'x' });
    expect(admin).not.toHaveProperty('withheld');
  });

  it('answers 404 for a staging that does not exist', async () => {
    const res = await h.call('GET', '/api/v1/stagings/nobody', { role: 'viewer' });
    expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([404, 'unknown-staging']);
  });
});

describe('live events', () => {
  it('sends a staging created from the CLI or API, and the deployer\'s phase for it, as deltas a dashboard applies', async () => {
    let state = h.aggregator.state.hub.catchUp(undefined)[0] as Extract<StatusEvent, { type: 'snapshot' }>;
    let status = state.status;
    const deltas: StatusEvent[] = [];
    const unsubscribe = h.aggregator.state.hub.subscribe((event) => deltas.push(event));
    try {
      expect((await h.call('POST', '/api/v1/stagings/deploy', { role: 'ci', body: { fromBranch: 'feature/live', kind: 'tiny', tag: '7' } })).status).toBe(201);
      await h.aggregator.refresh();
      stagings = [...stagings, running('feature-live', { kind: 'tiny', phase: 'CreatePending', reason: 'applying' })];
      await h.aggregator.state.refreshPeers();
      for (const event of deltas) if (event.type === 'delta') status = applyDelta(status, event.delta);
      const created = deltas.find((e) => e.type === 'delta' && e.delta.stagings?.some((s) => s.name === 'feature-live' && s.phase === undefined));
      expect(created).toBeDefined();
      expect(status.stagings?.find((s) => s.name === 'feature-live')).toMatchObject({ state: 'active', tag: '7', phase: 'CreatePending', reason: 'applying', branch: 'feature/live' });
      expect(status).toEqual(h.aggregator.state.hub.state);
    } finally {
      unsubscribe();
    }
    state = h.aggregator.state.hub.catchUp(undefined)[0] as Extract<StatusEvent, { type: 'snapshot' }>;
    expect(state.status.stagings?.map((s) => s.name)).toContain('feature-live');
  });
});
