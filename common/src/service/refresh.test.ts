// The refresh notifier against a real HTTP server: bursts collapse, failures are only logged, close stops it.
import { afterEach, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { captureLogger } from './logger/logger.ts';
import { serve, type ServerHandle } from './http/serve.ts';
import { createRefreshNotifier } from './refresh.ts';

const servers: ServerHandle[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** A peer whose `/refresh` waits until released, counting the requests it got. */
async function heldPeer() {
  let requests = 0;
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const app = new Hono();
  app.post('/refresh', async (c) => {
    requests += 1;
    await held;
    return c.json({ accepted: true }, 202);
  });
  const server = await serve(app, '127.0.0.1:0');
  servers.push(server);
  return { url: server.url, requests: () => requests, release };
}

describe('createRefreshNotifier', () => {
  it('sends one request per peer, and a burst during it collapses into one more', async () => {
    const a = await heldPeer();
    const b = await heldPeer();
    const notifier = createRefreshNotifier({ peers: [a.url, `${b.url}/`], logger: captureLogger().logger });
    notifier.notify('first write');
    for (let i = 0; i < 10; i++) notifier.notify(`write ${i}`);
    while (a.requests() === 0 || b.requests() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    a.release();
    b.release();
    await notifier.settled();
    expect([a.requests(), b.requests()]).toEqual([2, 2]);
  });

  it('says what changed when told to: only its status (?changed=status), so the peer need not fetch the repo', async () => {
    const seen: string[] = [];
    const app = new Hono();
    app.post('/refresh', (c) => {
      seen.push(c.req.query('changed') ?? '(absent)');
      return c.json({ accepted: true }, 202);
    });
    const server = await serve(app, '127.0.0.1:0');
    servers.push(server);
    const statusOnly = createRefreshNotifier({ peers: [server.url], logger: captureLogger().logger, changed: 'status' });
    statusOnly.notify('rollout changed in dev');
    await statusOnly.settled();
    const anything = createRefreshNotifier({ peers: [server.url], logger: captureLogger().logger });
    anything.notify('acknowledged write');
    await anything.settled();
    expect(seen).toEqual(['status', '(absent)']);
  });

  it('never throws and logs an unreachable or refusing peer at debug level only', async () => {
    const refusing = new Hono();
    refusing.post('/refresh', (c) => c.json({ error: 'no' }, 503));
    const server = await serve(refusing, '127.0.0.1:0');
    servers.push(server);
    const { logger, lines } = captureLogger();
    const notifier = createRefreshNotifier({ peers: ['http://127.0.0.1:9', server.url], logger });
    expect(() => notifier.notify('a push')).not.toThrow();
    await notifier.settled();
    expect(lines.map((l) => [l['level'], l['msg'], l['reason']])).toEqual(
      expect.arrayContaining([
        ['debug', 'refresh notification failed', 'a push'],
        ['debug', 'peer refused a refresh notification', 'a push'],
      ]),
    );
    expect(lines.every((l) => l['level'] === 'debug')).toBe(true);
  });

  it('aborts what is in flight and drops what is pending on close', async () => {
    const peer = await heldPeer();
    const { logger, lines } = captureLogger();
    const notifier = createRefreshNotifier({ peers: [peer.url], logger });
    notifier.notify('one');
    notifier.notify('two');
    while (peer.requests() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    notifier.close();
    await notifier.settled();
    notifier.notify('after close');
    peer.release();
    expect(peer.requests()).toBe(1);
    expect(lines).toEqual([]);
  });

  it('asks for the peers at each notification when they are found at run time, and tells the ones it finds', async () => {
    const a = await heldPeer();
    const b = await heldPeer();
    let current = [a.url];
    const notifier = createRefreshNotifier({ peers: async () => current, logger: captureLogger().logger });
    notifier.notify('first');
    while (a.requests() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    a.release();
    await notifier.settled();
    // Replica a went away and b took its place: b is told, a no more.
    current = [b.url];
    notifier.notify('second');
    while (b.requests() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    b.release();
    await notifier.settled();
    expect([a.requests(), b.requests()]).toEqual([1, 1]);
  });

  it('sends nothing, and does not throw, when the peers cannot be found', async () => {
    const { logger, lines } = captureLogger();
    const notifier = createRefreshNotifier({ peers: async () => Promise.reject(new Error('no Leases readable')), logger });
    notifier.notify('write');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await notifier.settled();
    expect(lines.some((line) => line.msg === 'finding the peers to notify failed')).toBe(true);
  });
});
