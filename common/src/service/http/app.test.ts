import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { validator } from 'hono/validator';
import { captureLogger } from '../logger/logger.ts';
import { MetricsRegistry } from '../metrics/registry.ts';
import type { ReadyState } from './app.ts';
import { createServiceApp } from './app.ts';
import { readJson } from './body.ts';
import { HttpError } from './http-error.ts';
import { serve } from './serve.ts';

function makeApp(ready: () => Promise<ReadyState> = async () => ({ ready: true }), maxBodyBytes?: number) {
  const { logger, lines } = captureLogger();
  const metrics = new MetricsRegistry();
  const app = createServiceApp({ name: 'deployer', logger, metrics, readiness: ready, maxBodyBytes });
  app.get('/locked', () => {
    throw new HttpError(409, 'target-locked', 'prod is locked', { reasons: ['freeze'] });
  });
  app.get('/crash', () => {
    throw new Error('database password is hunter2');
  });
  app.post('/echo', async (c) => c.json({ got: await readJson(c) }));
  app.post('/json', async (c) => c.json({ got: await c.req.json<unknown>(), again: await c.req.text() }));
  app.post('/ignores-body', (c) => c.json({ answered: true }));
  // A reader that answers every failure to read as malformed JSON (400), as hono's validators do.
  app.post('/validated', validator('json', (value) => value), (c) => c.json({ got: c.req.valid('json') }));
  app.post('/bytes', async (c) => c.json({ bytes: [...new Uint8Array(await c.req.arrayBuffer())], blob: (await c.req.blob()).size }));
  return { app, lines, metrics };
}

describe('createServiceApp', () => {
  it('answers /healthz and /readyz when ready', async () => {
    const { app } = makeApp();
    expect(await (await app.request('/healthz')).json()).toEqual({ status: 'alive' });
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
  });

  it('answers /readyz with 503 and the reason when not ready or when the check throws', async () => {
    const notReady = makeApp(async () => ({ ready: false, reason: 'repo not fetched yet' }));
    const res = await notReady.app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ready: false, reason: 'repo not fetched yet' });
    const throwing = makeApp(async () => {
      throw new Error('x');
    });
    expect((await throwing.app.request('/readyz')).status).toBe(503);
  });

  it('maps HttpError to its status and JSON body', async () => {
    const res = await makeApp().app.request('/locked');
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: { code: 'target-locked', message: 'prod is locked', details: { reasons: ['freeze'] } } });
  });

  it('answers other errors with a 500 that leaks nothing but a request id, and logs the error', async () => {
    const { app, lines } = makeApp();
    const res = await app.request('/crash', { headers: { 'x-request-id': 'req-1' } });
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(body).not.toContain('hunter2');
    expect(JSON.parse(body)).toEqual({ error: { code: 'internal', message: 'internal error', details: { requestId: 'req-1' } } });
    expect(res.headers.get('x-request-id')).toBe('req-1');
    expect(lines.find((l) => l.msg === 'request failed')).toMatchObject({ requestId: 'req-1', service: 'deployer' });
  });

  it("answers the service's own errors as its mapError says, and still hides the others", async () => {
    class RefusedError extends Error {}
    const { logger } = captureLogger();
    const app = createServiceApp({
      name: 'aggregator',
      logger,
      metrics: new MetricsRegistry(),
      readiness: async () => ({ ready: true }),
      mapError: (error) => (error instanceof RefusedError ? new HttpError(423, 'environment-locked', error.message, { reasons: ['freeze'] }) : undefined),
    });
    app.get('/refused', () => {
      throw new RefusedError('prod is locked');
    });
    app.get('/crash', () => {
      throw new Error('hunter2');
    });
    const refused = await app.request('/refused');
    expect(refused.status).toBe(423);
    expect(await refused.json()).toEqual({ error: { code: 'environment-locked', message: 'prod is locked', details: { reasons: ['freeze'] } } });
    const crash = await app.request('/crash');
    expect(crash.status).toBe(500);
    expect(await crash.text()).not.toContain('hunter2');
  });

  it('answers unknown routes with the JSON 404', async () => {
    const res = await makeApp().app.request('/nope');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not-found');
  });

  it('logs requests without headers or query strings', async () => {
    const { app, lines } = makeApp();
    // The query's value has letters no request id (a hex UUID) can hold, so only a logged query can match it.
    await app.request('/locked?token=qz-query', { headers: { authorization: 'Bearer s3cret' } });
    const line = lines.find((l) => l.msg === 'request');
    expect(line).toMatchObject({ method: 'GET', path: '/locked', status: 409, level: 'info' });
    expect(JSON.stringify(lines)).not.toMatch(/s3cret|qz-query/);
  });

  it('logs the peers\' status reads and refresh calls at debug, and at info once they fail', async () => {
    const { app, lines } = makeApp();
    let answer = 200;
    app.get('/status', (c) => c.json({ environments: [] }, answer as 200));
    app.post('/refresh', (c) => c.body(null, 202));
    await app.request('/status');
    await app.request('/refresh', { method: 'POST' });
    answer = 503;
    await app.request('/status');
    const requests = lines.filter((l) => l.msg === 'request').map((l) => [l.method, l.status, l.level]);
    expect(requests).toEqual([['GET', 200, 'debug'], ['POST', 202, 'debug'], ['GET', 503, 'info']]);
  });

  it('counts requests by route pattern in /metrics', async () => {
    const { app } = makeApp();
    await app.request('/locked');
    const res = await app.request('/metrics');
    expect(res.headers.get('content-type')).toContain('version=0.0.4');
    expect(await res.text()).toContain(
      'cascade_http_requests_total{service="deployer",method="GET",route="/locked",status="409"} 1',
    );
  });

  it('refuses oversized bodies with 413, non-JSON with 415 and broken JSON with 400', async () => {
    const { app } = makeApp(undefined, 16);
    const post = (body: string, type = 'application/json') =>
      app.request('/echo', { method: 'POST', body, headers: { 'content-type': type } });
    expect((await post('{"a":1}')).status).toBe(200);
    const big = await post(JSON.stringify({ a: 'x'.repeat(100) }));
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('body-too-large');
    expect((await post('{}', 'text/plain')).status).toBe(415);
    expect((await post('{')).status).toBe(400);
  });
});

describe('serve', () => {
  it('binds port 0, reports the chosen port and closes', async () => {
    const { app } = makeApp();
    const server = await serve(app, '127.0.0.1:0');
    try {
      expect(server.port).toBeGreaterThan(0);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('reads bodies from the socket with the same limits and answers: framed by length or chunked, split mid-character', async () => {
    const { app } = makeApp(undefined, 16);
    const server = await serve(app, '127.0.0.1:0');
    const post = (path: string, body: string | Uint8Array[], type = 'application/json') =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': type },
        // Chunks go as a stream: without a length, in chunked transfer encoding.
        ...(typeof body === 'string' ? { body } : { body: new ReadableStream({ pull: (c) => { const chunk = body.shift(); if (chunk) c.enqueue(chunk); else c.close(); } }), duplex: 'half' }),
      } as RequestInit);
    const answer = async (response: Response) => [response.status, (await response.json()) as unknown];
    try {
      expect(await answer(await post('/echo', '{"a":"ö"}'))).toEqual([200, { got: { a: 'ö' } }]);
      expect(await answer(await post('/json', '\ufeff{"b":2}'))).toEqual([200, { got: { b: 2 }, again: '{"b":2}' }]);
      const ö = Buffer.from('{"c":"ö"}');
      expect(await answer(await post('/echo', [ö.subarray(0, 7), ö.subarray(7)]))).toEqual([200, { got: { c: 'ö' } }]);
      const tooLarge = { error: expect.objectContaining({ code: 'body-too-large' }) as unknown };
      expect(await answer(await post('/echo', JSON.stringify({ a: 'x'.repeat(100) })))).toEqual([413, tooLarge]);
      expect(await answer(await post('/echo', [Buffer.from('{"a":"xxxxxxxx'), Buffer.from('xxxxxxxxxxxxxxxx"}')]))).toEqual([413, tooLarge]);
      // Also through a reader that takes any failure for malformed JSON.
      expect(await answer(await post('/validated', [Buffer.from('{"a":"xxxxxxxx'), Buffer.from('xxxxxxxxxxxxxxxx"}')]))).toEqual([413, tooLarge]);
      expect(await answer(await post('/validated', [Buffer.from('{"a":'), Buffer.from('1}')]))).toEqual([200, { got: { a: 1 } }]);
      expect((await post('/validated', [Buffer.from('{"a":')])).status).toBe(400);
      expect((await post('/echo', '{}', 'text/plain')).status).toBe(415);
      expect((await post('/echo', '{')).status).toBe(400);
      // Bytes that are not UTF-8 read back exactly.
      expect(await answer(await post('/bytes', [Buffer.from([0xff, 0xfe, 0x00, 0x41])], 'application/octet-stream'))).toEqual([200, { bytes: [0xff, 0xfe, 0x00, 0x41], blob: 4 }]);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('reads a body only when a handler asks for it, as the route checks come first: of a declared length or chunked', async () => {
    const { app } = makeApp();
    const server = await serve(app, '127.0.0.1:0');
    // Headers promising ten bytes, and then none of them; or a chunk begun and never ended: a route that does not
    // read the body still answers.
    for (const framing of ['Content-Length: 10\r\n\r\n', 'Transfer-Encoding: chunked\r\n\r\n5\r\n{"a"']) {
      const socket = connect(server.port, '127.0.0.1');
      try {
        socket.write(`POST /ignores-body HTTP/1.1\r\nHost: cascade\r\nContent-Type: application/json\r\n${framing}`);
        const answer = await new Promise<string>((resolve, reject) => {
          let text = '';
          socket.on('data', (chunk: Buffer) => {
            text += chunk.toString('utf8');
            if (text.includes('"answered":true')) resolve(text);
          });
          socket.on('error', reject);
        });
        expect(answer.split('\r\n')[0], framing).toBe('HTTP/1.1 200 OK');
      } finally {
        socket.destroy();
      }
    }
    await server.close();
  });

  it('rejects a malformed listen address and a taken port', async () => {
    const { app } = makeApp();
    await expect(serve(app, 'nope')).rejects.toThrow(/host:port/);
    const first = await serve(app, '127.0.0.1:0');
    try {
      await expect(serve(app, `127.0.0.1:${first.port}`)).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});
