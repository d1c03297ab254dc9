// The HTTP client of calls between Cascade's services: a keep-alive pool per process, about half the CPU per request
// of the global fetch (a peer status after every rollout event, a refresh notification after every change).
import { Agent, request } from 'undici';

/** What a call between services needs of an answer; the global fetch's Response is one. */
export interface PeerResponse {
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null };
  /** The body as text; reading it (or the abort signal) releases the connection. */
  text(): Promise<string>;
}

/** What a call between services needs of an HTTP client; the global fetch is one (tests pass their own). */
export type PeerFetch = (url: string, init: { method: string; signal: AbortSignal; headers?: Record<string, string> }) => Promise<PeerResponse>;

/** Connections kept per peer: the calls to one peer are a few at a time (statuses, notifications, promotions). */
const CONNECTIONS_PER_PEER = 8;

let pool: Agent | undefined;

/**
 * The default PeerFetch: undici's request over one keep-alive pool for the process. The global fetch builds a
 * Request, a Response and their web streams for each call (about twice the CPU per call, `npm run bench -- peer-fetch`);
 * between services that answer each other after every change, that was a visible share of their time. Errors keep
 * the shape callers read: a timeout is the signal's TimeoutError, a failed connection an Error with a system `code`.
 */
export const pooledFetch: PeerFetch = async (url, init) => {
  pool ??= new Agent({ connections: CONNECTIONS_PER_PEER });
  const answer = await request(url, { method: init.method as 'GET', signal: init.signal, ...(init.headers === undefined ? {} : { headers: init.headers }), dispatcher: pool });
  const status = answer.statusCode;
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: {
      get(name) {
        const value = answer.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    },
    text: () => answer.body.text(),
  };
};
