// Polling the deployer's and the transitioner's `GET /status`: an unreachable peer is reported, never fatal.
import { isDeepStrictEqual } from 'node:util';
import type { DeployerStatus, TransitionerStatus } from '@cascade/common';
import type { PeerStatus } from '@cascade/common/api';
import type { Clock } from '@cascade/common/service';

/** How long one status poll may take. */
const PEER_TIMEOUT_MS = 3000;

/** What a peer's answer must look like to be passed on as its status: a shape check and its name for messages. */
export interface PeerShape<T> {
  name: string;
  accepts(body: unknown): body is T;
}

/** The deployer's `GET /status`: a list of environments, each with a name, a state and resources. */
export const DEPLOYER_STATUS: PeerShape<DeployerStatus> = {
  name: 'deployer status',
  accepts: (body): body is DeployerStatus => hasList(body, 'environments', (e) => isString(e, 'env') && isString(e, 'state') && Array.isArray(e['resources'])),
};

/** The transitioner's `GET /status`: a list of transitions, each with a name, a source and a target. */
export const TRANSITIONER_STATUS: PeerShape<TransitionerStatus> = {
  name: 'transitioner status',
  accepts: (body): body is TransitionerStatus => hasList(body, 'transitions', (t) => isString(t, 'name') && isString(t, 'source') && isString(t, 'target')),
};

/**
 * Fetches `<baseUrl>/status` and returns the new peer status, keeping the `since` of an ongoing outage. An answer
 * that is not of `shape` counts as a failed poll, so the UI never renders something else as a status.
 */
export async function pollPeer<T>(baseUrl: string, previous: PeerStatus<T>, clock: Clock, fetchImpl: typeof fetch = fetch, shape?: PeerShape<T>): Promise<PeerStatus<T>> {
  const url = `${baseUrl.replace(/\/+$/, '')}/status`;
  const now = clock.now().toISOString();
  try {
    const response = await fetchImpl(url, { signal: AbortSignal.timeout(PEER_TIMEOUT_MS), headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`answered HTTP ${response.status}`);
    const body = (await response.json()) as unknown;
    if (shape && !shape.accepts(body)) throw new Error(`answered something that is not a ${shape.name}`);
    return { state: 'ok', url: baseUrl, fetchedAt: now, status: body as T };
  } catch (error) {
    const since = previous.state === 'unreachable' ? previous.since : now;
    return { state: 'unreachable', url: baseUrl, since, message: describe(error) };
  }
}

/** Whether two polls found the same thing: the same outcome and status, whenever they were fetched. */
export function samePeerStatus<T>(a: PeerStatus<T>, b: PeerStatus<T>): boolean {
  return isDeepStrictEqual(withoutFetchTime(a), withoutFetchTime(b));
}

function withoutFetchTime<T>(peer: PeerStatus<T>): object {
  if (peer.state !== 'ok') return peer;
  const { fetchedAt: _fetchedAt, ...rest } = peer;
  return rest;
}

function hasList(body: unknown, key: string, item: (value: Record<string, unknown>) => boolean): boolean {
  const list = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
  return Array.isArray(list) && list.every((value: unknown) => typeof value === 'object' && value !== null && item(value as Record<string, unknown>));
}

function isString(value: Record<string, unknown>, key: string): boolean {
  return typeof value[key] === 'string';
}

/** A short, secret-free reason for a failed poll. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'request failed';
  if (error.name === 'TimeoutError') return `no answer within ${PEER_TIMEOUT_MS} ms`;
  const cause = (error as { cause?: { code?: string } }).cause?.code;
  return cause ? `${error.message} (${cause})` : error.message;
}
