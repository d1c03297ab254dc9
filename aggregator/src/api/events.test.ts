// The live event stream over a real socket: a snapshot on connect, a push arrives as a delta, reconnects catch up or resync.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { AggregatorStatus, StatusEvent, StreamEvent } from '@cascade/common/api';
import { appendPart, applyDelta } from '@cascade/common/api';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.cleanup());

/** Opens the stream and yields parsed events; the returned `close` drops the connection. */
function openStream(lastEventId?: string, query = '') {
  const controller = new AbortController();
  const headers: Record<string, string> = { authorization: `Bearer ${h.tokens.viewer}` };
  if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
  const response = fetch(`${h.aggregator.url}/api/v1/events${query}`, { headers, signal: controller.signal });
  const events: Array<StreamEvent & { id: string }> = [];
  let waiters: Array<() => void> = [];
  const done = response.then(async (res) => {
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
          const id = block.split('\n').find((l) => l.startsWith('id:'))?.slice(3).trim() ?? '';
          if (data) events.push({ ...(JSON.parse(data) as StreamEvent), id });
          waiters.forEach((w) => w());
        }
      }
    } catch {
      // Aborted by close().
    }
  });
  /** Waits (bounded) until an event satisfies the predicate. */
  const waitFor = async (predicate: (e: StreamEvent) => boolean): Promise<StreamEvent> => {
    for (let i = 0; i < 200; i++) {
      const found = events.find(predicate);
      if (found) return found;
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
      waiters = [];
    }
    throw new Error(`event not seen; got ${events.map((e) => e.type).join(', ')}`);
  };
  return { events, waitFor, close: () => controller.abort(), done };
}

it('sends the full state on connect, then a push as a delta a client can apply', async () => {
  const stream = openStream();
  const first = await stream.waitFor((e) => e.type === 'snapshot');
  let state = (first as Extract<StatusEvent, { type: 'snapshot' }>).status;
  const res = await h.call('POST', '/api/v1/versions', { role: 'ci', body: { resource: 'shop/cart', version: '3.0.0', changelog: 'Live' } });
  const { commit } = (await res.json()) as { commit: string };
  const delta = (await stream.waitFor((e) => e.type === 'delta' && e.delta.commit === commit)) as Extract<StatusEvent, { type: 'delta' }>;
  expect(delta.delta.commits?.[0]).toMatchObject({ commit, type: 'Version', versions: ['3.0.0'], body: 'Live' });
  for (const e of stream.events.filter((x) => x.type === 'delta')) state = applyDelta(state, (e as Extract<StatusEvent, { type: 'delta' }>).delta);
  const status = (await (await h.call('GET', '/api/v1/status', { role: 'viewer' })).json()) as AggregatorStatus;
  expect(state).toEqual(status);
  stream.close();
});

it('replays what a reconnecting client missed, and resyncs one whose id is unknown', async () => {
  const stream = openStream();
  const snapshot = await stream.waitFor((e) => e.type === 'snapshot');
  stream.close();
  await stream.done;
  await h.call('POST', '/api/v1/locks', { role: 'operator', body: { env: 'prod', reason: 'while away' } });
  await h.aggregator.refresh();

  const resumed = openStream(String(snapshot.seq));
  const missed = await resumed.waitFor((e) => e.type === 'delta');
  expect(missed.seq).toBe(snapshot.seq + 1);
  expect(resumed.events.some((e) => e.type === 'snapshot')).toBe(false);
  if (missed.type === 'delta') expect(missed.delta.environments?.find((e) => e.name === 'prod')?.lockReasons).toEqual(['while away']);
  resumed.close();

  const stale = openStream('12');
  const resync = await stale.waitFor(() => true);
  expect(resync.type).toBe('snapshot');
  if (resync.type === 'snapshot') expect(resync.status.environments.find((e) => e.name === 'prod')?.lockReasons).toEqual(['while away']);
  stale.close();
});

it('answers an event id from before a restart with a snapshot of the new run, never with silence', async () => {
  const stream = openStream();
  await stream.waitFor((e) => e.type === 'snapshot');
  await h.call('POST', '/api/v1/locks', { role: 'operator', body: { env: 'prod', reason: 'before restart' } });
  const last = await stream.waitFor((e) => e.type === 'delta');
  stream.close();
  await stream.done;

  await h.restart();
  await h.call('POST', '/api/v1/locks', { role: 'operator', body: { env: 'dev', reason: 'after restart' } });
  await h.aggregator.refresh();
  // The id the browser would send: the SSE id of the last event it received.
  const lastId = stream.events.at(-1)?.id ?? '';
  expect(Number(lastId)).toBeGreaterThanOrEqual(last.seq);
  const resumed = openStream(lastId);
  const first = await resumed.waitFor(() => true);
  expect(first.type).toBe('snapshot');
  expect(first.seq).toBeGreaterThan(Number(lastId));
  if (first.type === 'snapshot') expect(first.status.environments.find((e) => e.name === 'dev')?.lockReasons).toEqual(['after restart']);
  resumed.close();
});

it('sends the snapshot in parts when asked for the first rows, then deltas on top of the joined state', async () => {
  const whole = (await (await h.call('GET', '/api/v1/status', { role: 'viewer' })).json()) as AggregatorStatus;
  expect(whole.resources.length).toBe(2);
  const stream = openStream(undefined, '?first=1');
  const first = (await stream.waitFor((e) => e.type === 'snapshot')) as Extract<StatusEvent, { type: 'snapshot' }>;
  expect(first.status.resources.map((r) => r.name)).toEqual([whole.resources[0]!.name]);
  expect(first.rest).toEqual({ parts: 1, resources: 1 });
  const part = await stream.waitFor((e) => e.type === 'part');
  // Only the last event of the snapshot names its seq, so a client cut off in between gets a fresh snapshot.
  expect(stream.events.slice(0, 2).map((e) => [e.type, e.id, e.seq])).toEqual([['snapshot', '', first.seq], ['part', String(first.seq), first.seq]]);
  let state = part.type === 'part' ? appendPart(first.status, part.part) : first.status;
  expect(state.resources).toEqual(whole.resources);

  const res = await h.call('POST', '/api/v1/versions', { role: 'ci', body: { resource: 'shop/cart', version: '3.1.0' } });
  const { commit } = (await res.json()) as { commit: string };
  const delta = (await stream.waitFor((e) => e.type === 'delta' && e.delta.commit === commit)) as Extract<StatusEvent, { type: 'delta' }>;
  expect(delta.delta.resources?.upsert.map((r) => r.name)).toEqual(['shop/cart']);
  for (const e of stream.events) if (e.type === 'delta') state = applyDelta(state, e.delta);
  expect(state).toEqual((await (await h.call('GET', '/api/v1/status', { role: 'viewer' })).json()) as AggregatorStatus);
  stream.close();
});

it('refuses a first row count out of range by name', async () => {
  const res = await fetch(`${h.aggregator.url}/api/v1/events?first=0`, { headers: { authorization: `Bearer ${h.tokens.viewer}` } });
  expect(res.status).toBe(400);
  expect(((await res.json()) as { error: { details?: { field?: string } } }).error.details?.field).toBe('first');
});
