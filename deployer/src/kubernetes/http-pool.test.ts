import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpMethod, RequestContext } from '@kubernetes/client-node';
import { classifyKubeError } from './errors.ts';
import { DEFAULT_POOL, PooledTransport, fingerprintOf, tlsMaterialOf } from './http-pool.ts';
import { KubeRequestError } from './request-error.ts';

const ca = Buffer.from('-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n');
const cert = Buffer.from('-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----\n');
const key = Buffer.from('-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n');

describe('tlsMaterialOf', () => {
  it('takes CA, client certificate, key, server name and verification from the agent the library built', () => {
    // The options KubeConfig.applySecurityAuthentication passes for a cluster with insecure-skip-tls-verify and tls-server-name.
    const agent = new HttpsAgent({ ca, cert, key, pfx: undefined, passphrase: undefined, rejectUnauthorized: false, servername: 'kubernetes.default' });
    expect(tlsMaterialOf(agent)).toEqual({ ca, cert, key, rejectUnauthorized: false, servername: 'kubernetes.default' });
  });

  it('leaves verification to Node when the kubeconfig does not turn it off', () => {
    expect(tlsMaterialOf(new HttpsAgent({ ca }))).toEqual({ ca });
  });

  it('finds no TLS material on a plain-HTTP agent or without an agent', () => {
    expect(tlsMaterialOf(new HttpAgent())).toEqual({});
    expect(tlsMaterialOf(undefined)).toEqual({});
  });
});

describe('fingerprintOf', () => {
  it('is the same for the same material, whatever the key order, and changes with the certificate', () => {
    expect(fingerprintOf({ ca, cert, key })).toBe(fingerprintOf({ key, cert: Buffer.from(cert), ca }));
    expect(fingerprintOf({ ca, cert, key })).not.toBe(fingerprintOf({ ca, cert: Buffer.from('renewed'), key }));
    expect(fingerprintOf({ ca })).not.toBe(fingerprintOf({ ca, rejectUnauthorized: false }));
    expect(fingerprintOf({ cert: 'ab' })).not.toBe(fingerprintOf({ cert: ['a', 'b'] }));
  });
});

describe('PooledTransport', () => {
  const servers: Server[] = [];
  const transports: PooledTransport[] = [];
  afterEach(async () => {
    for (const transport of transports.splice(0)) await transport.close();
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  /** A local HTTP server answering every request with `handle`; returns its base URL. */
  async function serve(handle: Parameters<typeof createServer>[1]): Promise<string> {
    const server = createServer(handle);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async function get(url: string, settings = DEFAULT_POOL): Promise<unknown> {
    const transport = new PooledTransport(settings);
    transports.push(transport);
    return transport.send(new RequestContext(url, HttpMethod.GET)).toPromise();
  }

  /** Runs `call`, expecting it to fail, and returns what it threw. */
  async function failure(call: Promise<unknown>): Promise<unknown> {
    return call.then(() => expect.fail('the request succeeded'), (error: unknown) => error);
  }

  it('passes status, headers and body through, and sends requests one after the other over a connection or two', async () => {
    const url = await serve((request, response) => {
      response.writeHead(404, { 'content-type': 'application/json', 'x-seen': [request.method ?? '', String(request.headers['impersonate-user'])] });
      response.end('{"kind":"Status","code":404}');
    });
    const transport = new PooledTransport();
    transports.push(transport);
    for (let i = 0; i < 20; i++) {
      const request = new RequestContext(`${url}/api/v1/namespaces/x`, HttpMethod.DELETE);
      request.setHeaderParam('Impersonate-User', 'alice');
      const response = await transport.send(request).toPromise();
      expect(response.httpStatusCode).toBe(404);
      expect(response.headers['x-seen']).toBe('DELETE, alice');
      expect(JSON.parse(await response.body.text())).toEqual({ kind: 'Status', code: 404 });
    }
    // undici reuses a socket one event-loop turn after its response, so a request sent at once may open a second one.
    expect(transport.connectionsOpened).toBeLessThanOrEqual(2);
  });

  it('reports a refused connection as an unreachable cluster, naming the request', async () => {
    const closed = await serve(() => {});
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const error = await failure(get(`${closed}/api/v1/namespaces?limit=1`));
    expect(error).toBeInstanceOf(KubeRequestError);
    expect((error as KubeRequestError).data).toMatchObject({ method: 'GET', url: `${closed}/api/v1/namespaces`, code: 'ECONNREFUSED' });
    expect(classifyKubeError(error)).toEqual({ kind: 'unreachable', message: expect.stringContaining('ECONNREFUSED') });
  });

  it('gives up on an API server that never answers, as unreachable', async () => {
    const url = await serve(() => {});
    const error = await failure(get(`${url}/api`, { ...DEFAULT_POOL, headersTimeoutMs: 200 }));
    expect(error).toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(classifyKubeError(error)).toEqual({ kind: 'unreachable', message: expect.stringContaining('UND_ERR_HEADERS_TIMEOUT') });
  });

  it('reports a connection closed before the answer as unreachable', async () => {
    const url = await serve((request) => request.socket.destroy());
    const error = await failure(get(`${url}/api`));
    expect(error).toMatchObject({ code: 'UND_ERR_SOCKET' });
    expect(classifyKubeError(error)).toMatchObject({ kind: 'unreachable', message: expect.stringContaining(`${url}/api`) });
  });
});
