// Manual promotions go to the transitioner's run endpoint; its answer passes through, its absence is a 503.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Hono } from 'hono';
import { serve, type ServerHandle } from '@cascade/common/service';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
let transitioner: ServerHandle;
const calls: Array<{ name: string; body: unknown }> = [];
beforeAll(async () => {
  // A stand-in transitioner: it runs `dev`, and refuses `prod` because prod is locked.
  const app = new Hono();
  app.post('/transitions/:name/run', async (c) => {
    calls.push({ name: c.req.param('name'), body: await c.req.json() });
    if (c.req.param('name') === 'prod') return c.json({ error: { code: 'target-locked', message: 'prod is locked: freeze' } }, 409);
    return c.json({ outcome: 'success', commit: 'abc' });
  });
  transitioner = await serve(app, '127.0.0.1:0');
  h = await startHarness({ transitionerUrl: transitioner.url });
});
afterAll(async () => {
  await h.cleanup();
  await transitioner.close();
});

it('runs a named transition through the transitioner and passes its answer on', async () => {
  const res = await h.call('POST', '/api/v1/promotions', { role: 'operator', body: { transition: 'dev' } });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ transition: 'dev', transitionerStatus: 200, result: { outcome: 'success', commit: 'abc' } });
  expect(calls[0]).toEqual({ name: 'dev', body: { requestedBy: 'operator-bot' } });
});

it('passes a refusal on with its status and message, and refuses unknown transitions itself', async () => {
  const locked = await h.call('POST', '/api/v1/promotions', { role: 'operator', body: { transition: 'prod' } });
  expect(locked.status).toBe(409);
  expect(await locked.json()).toMatchObject({ error: { code: 'promotion-refused', message: 'transition prod: prod is locked: freeze' } });
  const unknown = await h.call('POST', '/api/v1/promotions', { role: 'operator', body: { transition: 'qa' } });
  expect(unknown.status).toBe(404);
  expect(await unknown.json()).toMatchObject({ error: { code: 'unknown-transition', details: { transitions: ['dev', 'prod'] } } });
});
