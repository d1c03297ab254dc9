// `POST /refresh` over a real loop whose pass can be held: 202 at once, `?wait=true` after the pass, floods coalesce.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { silentLogger } from '../logger/logger.ts';
import { startLoop } from '../loop/loop.ts';
import { MetricsRegistry } from '../metrics/registry.ts';
import { createServiceApp } from './app.ts';
import { addRefreshRoute } from './refresh-route.ts';

/** A service whose loop counts its passes; while `hold()` is in force a pass waits for `release()`. */
function service() {
  const clock = new ManualClock();
  const passes = { started: 0, finished: 0 };
  let held: Promise<void> | undefined;
  let release = () => {};
  const loop = startLoop({
    name: 'test',
    interval: 60_000,
    clock,
    logger: silentLogger,
    run: async () => {
      passes.started += 1;
      await held;
      passes.finished += 1;
    },
  });
  const app = createServiceApp({ name: 'test', logger: silentLogger, metrics: new MetricsRegistry(), readiness: async () => ({ ready: true }) });
  const changes: Array<string | undefined> = [];
  addRefreshRoute(app, {
    trigger: (changed) => {
      changes.push(changed);
      return loop.trigger();
    },
    answer: () => ({ finished: passes.finished }),
  });
  return {
    changes,
    clock,
    loop,
    passes,
    post: async (path: string) => app.request(path, { method: 'POST' }),
    hold: () => void (held = new Promise((resolve) => (release = resolve))),
    release: () => {
      held = undefined;
      release();
    },
  };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}

describe('POST /refresh', () => {
  it('answers 202 at once while a pass is held, and ?wait=true only with the answer after the pass that starts after it', async () => {
    const s = service();
    s.hold();
    await until(() => s.passes.started === 1);
    const first = await s.post('/refresh');
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ accepted: true });
    expect(s.passes.finished).toBe(0);

    let answered = false;
    const waiting = s.post('/refresh?wait=true').then((res) => ((answered = true), res));
    const flood = await Promise.all(Array.from({ length: 50 }, () => s.post('/refresh')));
    expect(flood.every((res) => res.status === 202)).toBe(true);
    expect(answered).toBe(false);

    s.release();
    const res = await waiting;
    expect(res.status).toBe(200);
    // The held pass and the one queued behind it: the answer is read after the second.
    expect(await res.json()).toEqual({ finished: 2 });
    expect(s.passes.started).toBe(2);
    await s.loop.stop();
  });

  it('coalesces a flood of 50 requests into at most two passes', async () => {
    const s = service();
    await s.clock.whenSleeping(1);
    const before = s.passes.started;
    s.hold();
    const flood = await Promise.all(Array.from({ length: 50 }, () => s.post('/refresh')));
    expect(flood.every((res) => res.status === 202)).toBe(true);
    s.release();
    // The loop sleeps again only once no pass is due.
    await s.clock.whenSleeping(1);
    expect(s.passes.started - before).toBeGreaterThanOrEqual(1);
    expect(s.passes.started - before).toBeLessThanOrEqual(2);
    await s.loop.stop();
  });

  it('hands on what the caller says changed, and names a value it does not know', async () => {
    const s = service();
    expect((await s.post('/refresh?changed=status')).status).toBe(202);
    expect((await s.post('/refresh')).status).toBe(202);
    const wrong = await s.post('/refresh?changed=everything');
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: { code: 'invalid-request', details: { field: 'changed' } } });
    expect(s.changes).toEqual(['status', undefined]);
    await s.loop.stop();
  });

  it('names a wrong wait value, and answers 503 to a waiting caller when the loop is not running', async () => {
    const s = service();
    const wrong = await s.post('/refresh?wait=yes');
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: { code: 'invalid-request', details: { field: 'wait' } } });
    await s.loop.stop();
    expect((await s.post('/refresh')).status).toBe(202);
    const stopped = await s.post('/refresh?wait=true');
    expect(stopped.status).toBe(503);
    expect(await stopped.json()).toMatchObject({ error: { code: 'not-running' } });
  });
});
