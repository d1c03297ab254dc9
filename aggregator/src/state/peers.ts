// Polling the deployer's and the transitioner's `GET /status`: an unreachable peer is reported, never fatal.
import { jsonEqual } from '@cascade/common';
import type { PeerStatus } from '@cascade/common/api';
import { PeerError } from '@cascade/common/peers';
import type { Clock } from '@cascade/common/service';

/** How long one status poll may take. */
export const PEER_TIMEOUT_MS = 3000;

/** What a poll needs of a peer client (`createDeployerClient`, `createTransitionerClient`). */
export interface PolledPeer<T> {
  readonly url: string;
  /** The peer's status, checked against its wire shape; throws PeerError otherwise. */
  status(): Promise<T>;
}

/**
 * Asks the peer for its status and returns the new peer status, keeping the `since` of an ongoing outage. An answer
 * that is not the peer's status counts as a failed poll, so the UI never renders something else as a status.
 */
export async function pollPeer<T>(peer: PolledPeer<T>, previous: PeerStatus<T>, clock: Clock): Promise<PeerStatus<T>> {
  const now = clock.now().toISOString();
  try {
    return { state: 'ok', url: peer.url, fetchedAt: now, status: await peer.status() };
  } catch (error) {
    const since = previous.state === 'unreachable' ? previous.since : now;
    // The address is shown beside the message, so the message says only what went wrong.
    return { state: 'unreachable', url: peer.url, since, message: error instanceof PeerError ? error.reason : 'request failed' };
  }
}

/** Whether two polls found the same thing: the same outcome and status, whenever they were fetched. */
export function samePeerStatus<T>(a: PeerStatus<T>, b: PeerStatus<T>): boolean {
  return jsonEqual(withoutFetchTime(a), withoutFetchTime(b));
}

function withoutFetchTime<T>(peer: PeerStatus<T>): object {
  if (peer.state !== 'ok') return peer;
  const { fetchedAt: _fetchedAt, ...rest } = peer;
  return rest;
}
