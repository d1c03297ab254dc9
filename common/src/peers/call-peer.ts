// One HTTP call to a peer, bounded in time: an answer (any status, the body parsed when it is JSON) or a PeerError.
import { ON_BEHALF_HEADER } from '../service/auth/delegation.ts';
import { PeerError, type PeerCall } from './peer-error.ts';
import type { WireShape } from './wire-shapes.ts';
import { ValueInterner } from '../model/value-interner.ts';
import { pooledFetch, type PeerFetch, type PeerResponse } from '../service/http/pooled-fetch.ts';
import type { YamlValue } from '../model/types.ts';

/** How long a peer gets to answer unless a client is told otherwise. */
export const DEFAULT_PEER_TIMEOUT_MS = 5000;

/** Options every peer client takes. */
export interface PeerClientOptions {
  /** Give up on an answer after this long; default `DEFAULT_PEER_TIMEOUT_MS`. */
  timeoutMs?: number;
  /** The HTTP client to use (the global fetch will do); default pooledFetch. */
  fetch?: PeerFetch;
}

/** What a peer answered: its HTTP status, and its body parsed as JSON, or undefined when the body is not JSON. */
export interface PeerAnswer {
  status: number;
  ok: boolean;
  body: unknown;
  /** The answer's entity tag (`ETag`), for a conditional request next time. */
  etag?: string;
}

/** One request to a peer. */
export interface PeerRequest extends PeerCall {
  headers?: Record<string, string>;
}

/** Credentials passed on to a peer that checks the caller itself: a bearer token, and the person a delegating token acts for. */
export interface ForwardedCredentials {
  authorization?: string | undefined;
  /** `X-Cascade-On-Behalf-Of` (encodeOnBehalf), sent with the aggregator's delegating token. */
  onBehalfOf?: string | undefined;
}

/** The request headers carrying `credentials`. */
export function forwardedHeaders(credentials: ForwardedCredentials): Record<string, string> {
  return {
    ...(credentials.authorization ? { authorization: credentials.authorization } : {}),
    ...(credentials.onBehalfOf ? { [ON_BEHALF_HEADER]: credentials.onBehalfOf } : {}),
  };
}

/** `baseUrl` joined with `path`, whether or not the base ends in slashes. */
export function peerUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}

/** Sends the request; a timeout or a connection failure (also while the body arrives) throws PeerError, any answer returns. */
export async function callPeer(request: PeerRequest, options: PeerClientOptions): Promise<PeerAnswer> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PEER_TIMEOUT_MS;
  const call: PeerCall = { peer: request.peer, method: request.method, url: request.url };
  let text: string;
  let response: PeerResponse;
  try {
    // The timeout covers the body too: a peer that sends headers and then stalls is as unhelpful as a silent one.
    response = await (options.fetch ?? pooledFetch)(request.url, { method: request.method, signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json', ...request.headers } });
    text = await response.text();
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') throw new PeerError({ ...call, code: 'timeout', timeoutMs });
    throw new PeerError({ ...call, code: 'unreachable', cause: causeOf(error) });
  }
  const etag = response.headers.get('etag');
  return { status: response.status, ok: response.ok, body: parseJson(text), ...(etag === null ? {} : { etag }) };
}

/** The body of a successful answer, checked against `shape`; an HTTP error or another shape throws PeerError. */
export function expectShape<T>(request: PeerCall, answer: PeerAnswer, shape: WireShape<T>): T {
  if (!answer.ok) throw new PeerError({ ...request, code: 'http-status', status: answer.status });
  const mismatch = answer.body === undefined ? { field: '', problem: 'is not JSON' } : shape.mismatch(answer.body);
  if (mismatch) throw new PeerError({ ...request, code: 'malformed-answer', shape: shape.name, ...mismatch });
  return answer.body as T;
}

/**
 * Strings of peers' answers, shared: a status names every resource, object and namespace of every environment, the
 * same few thousand names over and over (at 10,000 resources × 4, a quarter of a million copies in an aggregator).
 */
const answerStrings = new ValueInterner(100_000);

function parseJson(text: string): unknown {
  try {
    // Strings only: callers keep and change what they are sent.
    return answerStrings.internInPlace(JSON.parse(text) as YamlValue, { emptyMaps: false });
  } catch {
    return undefined;
  }
}

/**
 * A short, secret-free reason: the error code of a failed connection, e.g. `request failed (ECONNREFUSED)` or
 * `request failed (UND_ERR_SOCKET)` (the pool's errors carry it, the global fetch's beneath `fetch failed`), else
 * the error's message.
 */
function causeOf(error: unknown): string {
  if (!(error instanceof Error)) return 'request failed';
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string') return `request failed (${own})`;
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  if (typeof cause?.code === 'string') return `${error.message} (${cause.code})`;
  if (typeof cause?.message === 'string') return `${error.message}: ${cause.message}`;
  return error.message;
}
