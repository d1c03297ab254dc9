// Sends the Kubernetes client's requests over one keep-alive connection pool (undici), instead of the library's
// node-fetch transport, which opens a new TCP and TLS connection for every request; watch streams go over a second
// pool built from the same TLS material.
import { createHash } from 'node:crypto';
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';
import { Agent, buildConnector, request as send } from 'undici';
import type { Dispatcher } from 'undici';
import { Observable, ResponseContext } from '@kubernetes/client-node';
import type { HttpLibrary, RequestContext } from '@kubernetes/client-node';
import { KubeRequestError } from './request-error.ts';

/** Settings of a connection pool. */
export interface PoolSettings {
  /** Most connections open to the API server at once; further requests wait for a free one. */
  connections: number;
  /** How long a request waits for the response headers, so a hung API server fails the request instead of the pass hanging. */
  headersTimeoutMs: number;
  /** How long a response body may stall between chunks. */
  bodyTimeoutMs: number;
  /** How long opening a connection (TCP and TLS) may take. */
  connectTimeoutMs: number;
  /** How long an idle connection is kept open for the next request. */
  keepAliveMs: number;
}

/** The pool every client gets unless told otherwise. */
export const DEFAULT_POOL: PoolSettings = {
  connections: 16,
  // Past the API server's own request timeout (60 s by default), so its answer, which says what timed out, comes first.
  headersTimeoutMs: 75_000,
  bodyTimeoutMs: 60_000,
  connectTimeoutMs: 10_000,
  // Below the API server's idle timeout (90 s), so the server never closes a connection just as a request reuses it.
  keepAliveMs: 30_000,
};

/** The TLS settings a connection to the API server needs, as the kubeconfig gives them. */
export type TlsMaterial = Pick<ConnectionOptions, 'ca' | 'cert' | 'key' | 'pfx' | 'passphrase' | 'servername' | 'rejectUnauthorized'>;

/** Takes the TLS settings out of the agent the library built from the kubeconfig for one request. */
export function tlsMaterialOf(agent: HttpAgent | HttpsAgent | undefined): TlsMaterial {
  const o = (agent as HttpsAgent | undefined)?.options ?? {};
  return {
    ...(o.ca != null ? { ca: o.ca } : {}),
    ...(o.cert != null ? { cert: o.cert } : {}),
    ...(o.key != null ? { key: o.key } : {}),
    ...(o.pfx != null ? { pfx: o.pfx } : {}),
    ...(o.passphrase != null ? { passphrase: o.passphrase } : {}),
    ...(o.servername != null ? { servername: o.servername } : {}),
    // Absent means Node's default (verify), as with the library's own agents.
    ...(o.rejectUnauthorized != null ? { rejectUnauthorized: o.rejectUnauthorized } : {}),
  };
}

/** A digest of TLS material, so a changed certificate or key is noticed without keeping a second copy. */
export function fingerprintOf(material: TlsMaterial): string {
  const hash = createHash('sha256');
  for (const [key, value] of Object.entries(material).sort(([a], [b]) => a.localeCompare(b))) {
    hash.update(`${key}\0`);
    // Each part is prefixed with its length, so ['a', 'b'] and 'ab' differ.
    for (const part of [value].flat()) {
      const bytes = typeof part === 'string' || Buffer.isBuffer(part) ? part : JSON.stringify(part);
      hash.update(`${bytes.length}:`).update(bytes);
    }
  }
  return hash.digest('hex');
}

/** A response whose body is read as it arrives: a watch. */
export interface StreamedResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Readable;
}

/** The two pools of one set of TLS material. */
interface Pools {
  fingerprint: string;
  requests: Agent;
  streams: Agent;
}

/**
 * The client's HttpLibrary: every request goes over one pool, built from the TLS material the kubeconfig gives.
 * Watch streams go over a pool of their own from the same material: a watch holds its connection for minutes
 * (HTTP/1.1 carries one response at a time), so in the request pool a few watches would take the connections
 * applies wait for, and more watches than connections would never start. The stream pool has no limit, one
 * connection per open watch as with client-go over HTTP/1.1, and a watch that ended normally hands its
 * connection to the next one.
 */
export class PooledTransport implements HttpLibrary {
  private current: Pools | undefined;
  private readonly requestConnections = new ConnectionCount();
  private readonly streamConnections = new ConnectionCount();

  constructor(private readonly settings: PoolSettings = DEFAULT_POOL) {}

  /** Sends one request; the library has already put the kubeconfig's auth headers and a TLS agent on it. */
  send(request: RequestContext): Observable<ResponseContext> {
    return new Observable(this.sendNow(request));
  }

  /**
   * Sends one request whose response body is read as it arrives, over the stream pool; the caller reads or destroys
   * the body. `bodyTimeoutMs` is the longest silence between two chunks before the stream fails.
   */
  async stream(request: RequestContext, options: { bodyTimeoutMs: number }): Promise<StreamedResponse> {
    const method = request.getHttpMethod().toString();
    const url = request.getUrl();
    try {
      const response = await send(url, {
        dispatcher: this.poolsFor(tlsMaterialOf(request.getAgent())).streams,
        method: method as Dispatcher.HttpMethod,
        headers: request.getHeaders(),
        body: bodyOf(request),
        signal: request.getSignal(),
        bodyTimeout: options.bodyTimeoutMs,
      });
      return { statusCode: response.statusCode, headers: headersOf(response.headers), body: response.body };
    } catch (error) {
      throw KubeRequestError.of(method, url, error);
    }
  }

  /** Connections this transport has opened for requests so far; stays at most `connections` while the API server keeps them open. */
  get connectionsOpened(): number {
    return this.requestConnections.opened;
  }

  /** The most request connections that were open at the same time; never above `connections`. */
  get peakConnections(): number {
    return this.requestConnections.peak;
  }

  /** Connections this transport has opened for streams (watches) so far. */
  get streamConnectionsOpened(): number {
    return this.streamConnections.opened;
  }

  /** Most request connections open at once. */
  get connections(): number {
    return this.settings.connections;
  }

  /** Closes the request pool once the requests under way have ended, and cuts the streams; a later request opens new pools. */
  async close(): Promise<void> {
    const pools = this.current;
    this.current = undefined;
    // A watch would hold a graceful close for minutes; its owner sees the stream fail, as when the server restarts.
    await Promise.all([pools?.requests.close(), pools?.streams.destroy()]);
  }

  private async sendNow(request: RequestContext): Promise<ResponseContext> {
    const method = request.getHttpMethod().toString();
    const url = request.getUrl();
    const body = bodyOf(request);
    try {
      const response = await send(url, {
        dispatcher: this.poolsFor(tlsMaterialOf(request.getAgent())).requests,
        method: method as Dispatcher.HttpMethod,
        headers: request.getHeaders(),
        body,
        signal: request.getSignal(),
      });
      // Read the whole body now: the connection goes back to the pool only once it is consumed, whoever reads it.
      const received = Buffer.from(await response.body.arrayBuffer());
      return new ResponseContext(response.statusCode, headersOf(response.headers), { text: async () => received.toString('utf8'), binary: async () => received });
    } catch (error) {
      throw KubeRequestError.of(method, url, error);
    }
  }

  /** The pools for this TLS material; credentials rotate (a renewed client certificate, an exec plugin's new one). */
  private poolsFor(material: TlsMaterial): Pools {
    const fingerprint = fingerprintOf(material);
    if (this.current?.fingerprint === fingerprint) return this.current;
    // New material: new connections must present it; the old pools end their requests and watches under way, then close.
    if (this.current !== undefined) void Promise.all([this.current.requests.close(), this.current.streams.close()]);
    const connector = buildConnector({ ...material, timeout: this.settings.connectTimeoutMs });
    const connect = (count: ConnectionCount): buildConnector.connector => (options, callback) => {
      count.opened++;
      // undici passes the request's host as server name, which would win over the kubeconfig's tls-server-name.
      connector(material.servername === undefined ? options : { ...options, servername: material.servername }, (...result) => {
        // On failure undici passes the error alone.
        if (result[1] != null) count.track(result[1]);
        callback(...result);
      });
    };
    const common = { headersTimeout: this.settings.headersTimeoutMs, keepAliveTimeout: this.settings.keepAliveMs, keepAliveMaxTimeout: this.settings.keepAliveMs };
    this.current = {
      fingerprint,
      requests: new Agent({ ...common, connections: this.settings.connections, bodyTimeout: this.settings.bodyTimeoutMs, connect: connect(this.requestConnections) }),
      streams: new Agent({ ...common, connect: connect(this.streamConnections) }),
    };
    return this.current;
  }
}

/** Connections one pool opened, and how many were open at once. */
class ConnectionCount {
  opened = 0;
  peak = 0;
  private open = 0;

  track(socket: Socket): void {
    this.peak = Math.max(this.peak, ++this.open);
    socket.once('close', () => this.open--);
  }
}

/** Bodies of the requests Cascade sends are JSON text; the library's form bodies are never used on this client. */
function bodyOf(request: RequestContext): string | undefined {
  const body = request.getBody();
  if (body === undefined || typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  throw new TypeError(`${request.getHttpMethod()} ${request.getUrl()}: multipart bodies are not supported by the pooled transport`);
}

/** Response headers as the library expects them: one string per name, repeated headers joined like fetch joins them. */
function headersOf(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}
