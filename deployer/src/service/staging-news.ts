// Telling the peers that stagings changed, as each staging's turn ends: at once after a quiet spell, and at most once
// per interval while turns keep ending, so a hundred stagings reported within a second cost the peers two refreshes
// (each refresh has the aggregator and the transitioner read the whole status).
import type { Clock } from '@cascade/common/service';

/**
 * How often, at most, the peers hear of staging changes while they keep coming. Each notification has the aggregator
 * and the transitioner read the whole status; once a second, that cost a hundred creates about a quarter of their pace
 * on a two-core machine shared with the API server (docs/benchmarks.md, Stagings).
 */
export const STAGING_NEWS_INTERVAL_MS = 3000;

/** Names listed in one notification's reason (a log line); the rest are counted. */
const NAMES_LISTED = 10;

/** Gathers changed stagings into few notifications. */
export interface StagingNews {
  /** A staging's status changed (appeared, went away, another phase or commit). */
  changed(name: string): void;
  /** Tells the peers `reason` now, together with the staging changes gathered so far. */
  announce(reason: string): void;
  /** Sends nothing more. */
  close(): void;
}

/** Options of `createStagingNews`. */
export interface StagingNewsOptions {
  clock: Clock;
  /** Default `STAGING_NEWS_INTERVAL_MS`. */
  intervalMs?: number;
  /** Tells the peers (the refresh notifier's `notify`). */
  notify: (reason: string) => void;
}

/**
 * Creates the gatherer. The first change after a quiet interval is sent at once; changes within the interval after a
 * notification wait for its end and go out together.
 */
export function createStagingNews(options: StagingNewsOptions): StagingNews {
  const intervalMs = options.intervalMs ?? STAGING_NEWS_INTERVAL_MS;
  const pending = new Set<string>();
  let lastSent = Number.NEGATIVE_INFINITY;
  let waiting: AbortController | undefined;
  let closed = false;

  const send = (reason?: string) => {
    waiting?.abort();
    waiting = undefined;
    const names = [...pending];
    pending.clear();
    const staged = names.length === 0 ? [] : [`stagings changed: ${names.slice(0, NAMES_LISTED).join(', ')}${names.length > NAMES_LISTED ? ` and ${names.length - NAMES_LISTED} more` : ''}`];
    const parts = [...(reason === undefined ? [] : [reason]), ...staged];
    if (parts.length === 0) return;
    lastSent = options.clock.now().getTime();
    options.notify(parts.join('; '));
  };

  return {
    changed(name) {
      if (closed) return;
      pending.add(name);
      if (waiting !== undefined) return;
      const wait = lastSent + intervalMs - options.clock.now().getTime();
      if (wait <= 0) return send();
      const timer = new AbortController();
      waiting = timer;
      void options.clock.sleep(wait, timer.signal).then(() => {
        if (!timer.signal.aborted && !closed) send();
      });
    },
    announce(reason) {
      if (!closed) send(reason);
    },
    close() {
      closed = true;
      waiting?.abort();
      pending.clear();
    },
  };
}
