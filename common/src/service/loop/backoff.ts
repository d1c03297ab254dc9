// Retry delays after failures: exponential, capped, with jitter so restarted replicas do not retry in lockstep.
// The one backoff of Cascade: the service loops, the per-target retries, the git write queue and the dashboard's reconnect.

/** Backoff settings in milliseconds. */
export interface BackoffOptions {
  /** Delay after the first failure; default 1 s. */
  initial?: number;
  /** Upper bound of any delay; default 5 min. */
  max?: number;
  /**
   * `half` (default): half the delay fixed, half random, for retries that must not come too soon (a loop, a target).
   * `full`: anywhere from 0 to the delay, for competing writers that should spread out as widely as possible.
   */
  jitter?: 'half' | 'full';
}

/** Default first retry delay (ms). */
export const DEFAULT_BACKOFF_INITIAL_MS = 1000;
/** Default cap of retry delays (ms). */
export const DEFAULT_BACKOFF_MAX_MS = 5 * 60 * 1000;

/** Delay before retry number `failures` (1-based): min(max, initial·2^(failures−1)), jittered by `random()` ∈ [0, 1) as `jitter` says. */
export function backoffDelay(failures: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const initial = options.initial ?? DEFAULT_BACKOFF_INITIAL_MS;
  const max = options.max ?? DEFAULT_BACKOFF_MAX_MS;
  const exponent = Math.min(Math.max(failures - 1, 0), 40); // 2^40 already exceeds any sane cap
  const capped = Math.min(max, initial * 2 ** exponent);
  if (options.jitter === 'full') return Math.floor(capped * random());
  return Math.round(capped / 2 + (capped / 2) * random());
}
