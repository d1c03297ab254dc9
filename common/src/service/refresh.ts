// `POST <service>/refresh` between services: telling a peer to look at the repo now, without ever waiting for it.
import type { Logger } from './logger/logger.ts';
import { pooledFetch, type PeerFetch } from './http/pooled-fetch.ts';

/** The path the deployer and the transitioner serve to be told to fetch now (open: it takes no input). */
export const REFRESH_PATH = '/refresh';

/**
 * What a refresh says changed: `status` when only the sender's status did (the deployer's rollouts), so the peer
 * need not fetch the repo for it; absent when anything may have, the repo included (a write, a git host's webhook).
 */
export type RefreshChange = 'status';

/** How long one notification may take before it is given up; the peer's poll is the safety net. */
export const REFRESH_NOTIFY_TIMEOUT_MS = 30_000;

/** Options of `createRefreshNotifier`. */
export interface RefreshNotifierOptions {
  /**
   * Base URLs of the services to tell, e.g. `http://127.0.0.1:7402`; or a function answering them at each
   * notification, for replicas found through their Leases (a failure to answer sends nothing this time).
   */
  peers: readonly string[] | (() => Promise<readonly string[]>);
  /** Failures are logged here at debug level only: a missed notification costs at most one poll interval. */
  logger: Logger;
  /** The HTTP client (the global fetch will do); default pooledFetch. */
  fetch?: PeerFetch;
  /** What the notifications say changed (`?changed=`); absent: anything, the repo included. */
  changed?: RefreshChange;
  /** Default `REFRESH_NOTIFY_TIMEOUT_MS`. */
  timeoutMs?: number;
}

/** Tells peers to refresh, fire-and-forget. */
export interface RefreshNotifier {
  /** Sends `POST /refresh` to every peer in the background; never throws, never waits. */
  notify(reason: string): void;
  /** Resolves once no notification is in flight or pending (tests and orderly shutdown). */
  settled(): Promise<void>;
  /** Stops sending: aborts what is in flight and drops what is pending. */
  close(): void;
}

/**
 * Creates a notifier. Per peer at most one request is in flight; notifications arriving meanwhile collapse into
 * one more request sent when it ends, so a burst of writes costs a peer two requests, and the last one always
 * starts after the last change it announces.
 */
export function createRefreshNotifier(options: RefreshNotifierOptions): RefreshNotifier {
  const doFetch = options.fetch ?? pooledFetch;
  const timeoutMs = options.timeoutMs ?? REFRESH_NOTIFY_TIMEOUT_MS;
  const closing = new AbortController();
  type Peer = { url: string; inFlight: Promise<void> | undefined; again: string | undefined };
  const known = new Map<string, Peer>();
  const peerOf = (base: string): Peer => {
    const url = `${base.replace(/\/+$/, '')}${REFRESH_PATH}${options.changed === undefined ? '' : `?changed=${options.changed}`}`;
    let peer = known.get(url);
    if (peer === undefined) known.set(url, (peer = { url, inFlight: undefined, again: undefined }));
    return peer;
  };
  const fixed = typeof options.peers === 'function' ? undefined : options.peers.map(peerOf);
  const locate = typeof options.peers === 'function' ? options.peers : undefined;
  const peers = () => [...known.values()];

  const send = (peer: Peer, reason: string): void => {
    peer.inFlight = post(peer.url, reason).finally(() => {
      peer.inFlight = undefined;
      const next = peer.again;
      peer.again = undefined;
      if (next !== undefined && !closing.signal.aborted) send(peer, next);
    });
  };

  const post = async (url: string, reason: string): Promise<void> => {
    try {
      const response = await doFetch(url, { method: 'POST', signal: AbortSignal.any([closing.signal, AbortSignal.timeout(timeoutMs)]) });
      // The answer's body (a few bytes) is of no interest; reading it releases the connection.
      await response.text();
      if (!response.ok) options.logger.debug('peer refused a refresh notification', { url, status: response.status, reason });
    } catch (error) {
      if (!closing.signal.aborted) options.logger.debug('refresh notification failed', { url, reason, error: error instanceof Error ? error.message : String(error) });
    }
  };

  return {
    notify(reason) {
      if (closing.signal.aborted) return;
      const tell = (targets: readonly Peer[]) => {
        for (const peer of targets) {
          if (peer.inFlight) peer.again = reason;
          else send(peer, reason);
        }
      };
      if (fixed !== undefined) return tell(fixed);
      void locate!().then(
        (bases) => {
          if (closing.signal.aborted) return;
          const current = bases.map(peerOf);
          // Replicas that went away are forgotten once nothing is in flight to them.
          for (const [url, peer] of known) if (!current.includes(peer) && peer.inFlight === undefined) known.delete(url);
          tell(current);
        },
        (error: unknown) => options.logger.debug('finding the peers to notify failed', { reason, error: error instanceof Error ? error.message : String(error) }),
      );
    },
    async settled() {
      for (;;) {
        const pending = peers().map((p) => p.inFlight).filter((p): p is Promise<void> => p !== undefined);
        if (pending.length === 0) return;
        await Promise.all(pending);
        // A follow-up request starts in the `finally` above; yield once so it is visible before looking again.
        await Promise.resolve();
      }
    },
    close() {
      closing.abort();
      for (const peer of peers()) peer.again = undefined;
    },
  };
}
