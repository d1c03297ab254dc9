// Sends the Kubernetes client's requests over one keep-alive connection pool (undici), instead of the library's
// node-fetch transport, which opens a new TCP and TLS connection for every request.
import { createHash } from 'node:crypto';
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';
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

/** The client's HttpLibrary: every request goes over one pool, built from the TLS material the kubeconfig gives. */
export class PooledTransport implements HttpLibrary {
  private current: { fingerprint: string; agent: Agent } | undefined;
  private opened = 0;
  private open = 0;
  private peak = 0;

  constructor(private readonly settings: PoolSettings = DEFAULT_POOL) {}

  /** Sends one request; the library has already put the kubeconfig's auth headers and a TLS agent on it. */
  send(request: RequestContext): Observable<ResponseContext> {
    return new Observable(this.sendNow(request));
  }

  /** Connections this transport has opened so far; stays at most `connections` while the API server keeps them open. */
  get connectionsOpened(): number {
    return this.opened;
  }

  /** The most connections that were open at the same time; never above `connections`. */
  get peakConnections(): number {
    return this.peak;
  }

  /** Most connections open at once. */
  get connections(): number {
    return this.settings.connections;
  }

  /** Closes the pool once the requests under way have ended; a later request opens a new one. */
  async close(): Promise<void> {
    const agent = this.current?.agent;
    this.current = undefined;
    await agent?.close();
  }

  private async sendNow(request: RequestContext): Promise<ResponseContext> {
    const method = request.getHttpMethod().toString();
    const url = request.getUrl();
    const body = bodyOf(request);
    try {
      const response = await send(url, {
        dispatcher: this.agentFor(tlsMaterialOf(request.getAgent())),
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

  /** The pool for this TLS material; credentials rotate (a renewed client certificate, an exec plugin's new one). */
  private agentFor(material: TlsMaterial): Agent {
    const fingerprint = fingerprintOf(material);
    if (this.current?.fingerprint === fingerprint) return this.current.agent;
    // New material: new connections must present it; the old pool ends its requests under way, then closes.
    void this.current?.agent.close();
    const connector = buildConnector({ ...material, timeout: this.settings.connectTimeoutMs });
    const agent = new Agent({
      connections: this.settings.connections,
      headersTimeout: this.settings.headersTimeoutMs,
      bodyTimeout: this.settings.bodyTimeoutMs,
      keepAliveTimeout: this.settings.keepAliveMs,
      keepAliveMaxTimeout: this.settings.keepAliveMs,
      connect: (options, callback) => {
        this.opened++;
        // undici passes the request's host as server name, which would win over the kubeconfig's tls-server-name.
        connector(material.servername === undefined ? options : { ...options, servername: material.servername }, (...result) => {
          // On failure undici passes the error alone.
          if (result[1] != null) this.track(result[1]);
          callback(...result);
        });
      },
    });
    this.current = { fingerprint, agent };
    return agent;
  }

  private track(socket: Socket): void {
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
