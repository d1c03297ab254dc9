// Version-file config never reaches a caller without secrets:read: every GET route, the live stream, before and after a push.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AggregatorStatus, StatusEvent } from '@cascade/common/api';
import { WITHHELD } from '@cascade/common/api';
import type { Role } from '@cascade/common/service';
import { ROLES, roleAllows } from '@cascade/common/service';
import type { FixtureSpec } from '@cascade/git-fixture';
import { SHOP_FIXTURE } from '../testing/shop-fixture.ts';
import { startHarness, type Harness } from '../testing/harness.ts';

const CANARY = 'canary-7f3a9c1e';
const DEPLOY_CANARY = 'deploy-canary-52b8d0';
const PUSHED_CANARY = 'pushed-canary-e41c77';

const FIXTURE: FixtureSpec = {
  commits: [
    ...SHOP_FIXTURE.commits,
    {
      name: 'config',
      message: 'Give the cart its config',
      files: {
        'dev/version/shop/cart.yaml': [
          'version: "1.0.0"',
          'image: registry/cart:1.0.0',
          'replicas: 2',
          'config:',
          `  DATABASE_URL: "postgres://cart:${CANARY}@db:5432/cart"`,
          `  STRIPE_KEY: sk_live_${CANARY}`,
          '  LOG_LEVEL: debug',
          'deploymentConfig:',
          `  SMTP_PASS: ${DEPLOY_CANARY}`,
          '',
        ].join('\n'),
      },
    },
  ],
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ fixture: FIXTURE, anonymousRead: true, publicConfig: ['LOG_LEVEL'] });
});
afterAll(async () => h.cleanup());

/** The callers to check: every role, and anonymous (anonymousRead is on). */
const CALLERS: Array<Role | undefined> = [...ROLES, undefined];
const canSeeSecrets = (role: Role | undefined) => role !== undefined && roleAllows(role, 'secrets:read');

/** The answer's text; for an event stream (which never ends by itself), what arrived until `enough` says so. */
async function bodyText(res: Response, enough: (text: string) => boolean = (text) => text.includes('\n\n')): Promise<string> {
  if (!res.headers.get('content-type')?.includes('text/event-stream')) return res.text();
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!enough(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return text;
}

/** Every GET route the app serves with a fixed path, from the app itself, so a new route is covered without listing it. */
function getRoutes(): string[] {
  return [...new Set(h.aggregator.app.routes.filter((r) => r.method === 'GET' && !/[*:]/.test(r.path)).map((r) => r.path))];
}

describe('config values in the API', () => {
  it('shows no withheld value on any GET route to callers without secrets:read', async () => {
    const routes = getRoutes();
    expect(routes).toEqual(expect.arrayContaining(['/api/v1/status', '/api/v1/events', '/api/v1/history', '/api/v1/whoami']));
    for (const role of CALLERS.filter((r) => !canSeeSecrets(r))) {
      for (const path of [...routes, '/api/v1/history?resource=shop/cart']) {
        const text = await bodyText(await h.call('GET', path, role ? { role } : {}));
        expect([role, path, text.includes(CANARY) || text.includes(DEPLOY_CANARY)]).toEqual([role, path, false]);
      }
    }
  });

  it('lists withheld keys with the marker for viewers, shows public keys, and shows admins every value', async () => {
    const view = async (role: Role | undefined) => ((await (await h.call('GET', '/api/v1/status', role ? { role } : {})).json()) as AggregatorStatus).resources.find((r) => r.name === 'shop/cart')?.envs['dev'];
    for (const role of CALLERS.filter((r) => !canSeeSecrets(r))) {
      expect(await view(role)).toMatchObject({
        version: '1.0.0',
        fields: { image: 'registry/cart:1.0.0', config: { DATABASE_URL: WITHHELD, STRIPE_KEY: WITHHELD, LOG_LEVEL: 'debug' }, deploymentConfig: { SMTP_PASS: WITHHELD } },
        withheld: ['config.DATABASE_URL', 'config.STRIPE_KEY', 'deploymentConfig.SMTP_PASS'],
      });
    }
    const admin = await view('admin');
    expect(admin?.fields).toMatchObject({ config: { DATABASE_URL: `postgres://cart:${CANARY}@db:5432/cart`, STRIPE_KEY: `sk_live_${CANARY}` }, deploymentConfig: { SMTP_PASS: DEPLOY_CANARY } });
    expect(admin).not.toHaveProperty('withheld');
  });

  it('sends each stream what its caller may see, snapshot and deltas, for a value pushed while connected', async () => {
    const streams = await Promise.all(CALLERS.map(async (role) => ({ role, res: await h.call('GET', '/api/v1/events', role ? { role } : {}) })));
    const push = await h.call('POST', '/api/v1/versions', { role: 'ci', body: { resource: 'shop/cart', version: '1.1.0', fields: { config: { API_KEY: PUSHED_CANARY, LOG_LEVEL: 'info' } } } });
    expect(push.status).toBe(201);
    const { commit } = (await push.json()) as { commit: string };
    await h.aggregator.refresh();
    for (const { role, res } of streams) {
      // Up to the end of the delta that brings the pushed commit.
      const text = await bodyText(res, (sofar) => sofar.includes(`"commit":"${commit}"`) && sofar.endsWith('\n\n'));
      const data = text.split('\n').filter((line) => line.startsWith('data:'));
      const events = data.map((line) => JSON.parse(line.slice('data:'.length)) as StatusEvent);
      expect(events[0]?.type).toBe('snapshot');
      expect(events.at(-1)).toMatchObject({ type: 'delta', delta: { commit, resources: { upsert: [expect.objectContaining({ name: 'shop/cart' })] } } });
      const sees = canSeeSecrets(role);
      expect([role, text.includes(CANARY), text.includes(PUSHED_CANARY)]).toEqual([role, sees, sees]);
      if (!sees) expect(text).toContain('"LOG_LEVEL":"info"');
    }
  });
});
