// Manual promotions go to the transitioner's run endpoint; its answer passes through, its absence is a 503.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Hono } from 'hono';
import { serve, type ServerHandle } from '@cascade/common/service';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
let transitioner: ServerHandle;
const calls: Array<{ name: string; authorization: string | undefined }> = [];
beforeAll(async () => {
  // A stand-in transitioner: `dev` is skipped because its target is locked, `prod` is refused.
  const app = new Hono();
  app.post('/transitions/:name/run', async (c) => {
    calls.push({ name: c.req.param('name'), authorization: c.req.header('authorization') });
    if (c.req.param('name') === 'prod') return c.json({ error: { code: 'forbidden', message: 'role viewer may not use promotions:write' } }, 403);
    return c.json({ kind: 'Skipped', reason: { kind: 'TargetLocked', reasons: ['freeze'] } });
  });
  transitioner = await serve(app, '127.0.0.1:0');
  h = await startHarness({ transitionerUrl: transitioner.url });
});
afterAll(async () => {
  await h.cleanup();
  await transitioner.close();
});

it('runs a named transition through the transitioner with the caller\'s token and passes its result on', async () => {
  const res = await h.call('POST', '/api/v1/promotions', { role: 'operator', body: { transition: 'dev' } });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ transition: 'dev', transitionerStatus: 200, result: { kind: 'Skipped', reason: { kind: 'TargetLocked', reasons: ['freeze'] } } });
  expect(calls[0]).toEqual({ name: 'dev', authorization: `Bearer ${h.tokens.operator}` });
});

it('passes a refusal on with its status and message, and refuses unknown transitions itself', async () => {
  const refused = await h.call('POST', '/api/v1/promotions', { role: 'operator', body: { transition: 'prod' } });
  expect(refused.status).toBe(403);
  expect(await refused.json()).toMatchObject({ error: { code: 'promotion-refused', message: 'transition prod: role viewer may not use promotions:write' } });
  const unknown = await h.call('POST', '/api/v1/promotions', { role: 'operator', body: { transition: 'qa' } });
  expect(unknown.status).toBe(404);
  expect(await unknown.json()).toMatchObject({ error: { code: 'unknown-transition', details: { transitions: ['dev', 'prod'] } } });
});

it('answers 503 when the transitioner cannot be reached, and 502 naming the field when its answer is not a result', async () => {
  const app = new Hono();
  app.post('/transitions/:name/run', (c) => c.json({ kind: 'Done' }));
  const odd = await serve(app, '127.0.0.1:0');
  const gone = await serve(new Hono(), '127.0.0.1:0');
  await gone.close();
  const oddHarness = await startHarness({ transitionerUrl: odd.url });
  const goneHarness = await startHarness({ transitionerUrl: gone.url });
  try {
    const malformed = await oddHarness.call('POST', '/api/v1/promotions', { role: 'operator', body: { transition: 'dev' } });
    expect(malformed.status).toBe(502);
    expect(await malformed.json()).toMatchObject({ error: { code: 'promotion-refused', message: 'transition dev: the transitioner answered something that is not a transition result: kind is not one of Success, Skipped, Blocked, CheckFailed', details: { field: 'kind' } } });
    const unreachable = await goneHarness.call('POST', '/api/v1/promotions', { role: 'operator', body: { transition: 'dev' } });
    expect(unreachable.status).toBe(503);
    expect(await unreachable.json()).toMatchObject({ error: { code: 'transitioner-unreachable' } });
  } finally {
    await oddHarness.cleanup();
    await goneHarness.cleanup();
    await odd.close();
  }
});
