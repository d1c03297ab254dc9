// Polling the deployer's and the transitioner's `GET /status`: an unreachable peer is reported, never fatal.
import type { PeerStatus } from '@cascade/common/api';
import type { Clock } from '@cascade/common/service';

/** How long one status poll may take. */
export const PEER_TIMEOUT_MS = 3000;

/** Fetches `<baseUrl>/status` and returns the new peer status, keeping the `since` of an ongoing outage. */
export async function pollPeer<T>(baseUrl: string, previous: PeerStatus<T>, clock: Clock, fetchImpl: typeof fetch = fetch): Promise<PeerStatus<T>> {
  const url = `${baseUrl.replace(/\/+$/, '')}/status`;
  const now = clock.now().toISOString();
  try {
    const response = await fetchImpl(url, { signal: AbortSignal.timeout(PEER_TIMEOUT_MS), headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`answered HTTP ${response.status}`);
    return { state: 'ok', url: baseUrl, fetchedAt: now, status: (await response.json()) as T };
  } catch (error) {
    const since = previous.state === 'unreachable' ? previous.since : now;
    return { state: 'unreachable', url: baseUrl, since, message: describe(error) };
  }
}

/** A short, secret-free reason for a failed poll. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'request failed';
  if (error.name === 'TimeoutError') return `no answer within ${PEER_TIMEOUT_MS} ms`;
  const cause = (error as { cause?: { code?: string } }).cause?.code;
  return cause ? `${error.message} (${cause})` : error.message;
}
