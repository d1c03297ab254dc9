// Retry delays after failures: exponential, capped, with jitter so restarted replicas do not retry in lockstep.

/** Backoff settings in milliseconds. */
export interface BackoffOptions {
  /** Delay after the first failure; default 1 s. */
  initial?: number;
  /** Upper bound of any delay; default 5 min. */
  max?: number;
}

/** Default first retry delay (ms). */
export const DEFAULT_BACKOFF_INITIAL_MS = 1000;
/** Default cap of retry delays (ms). */
export const DEFAULT_BACKOFF_MAX_MS = 5 * 60 * 1000;

/** Delay before retry number `failures` (1-based): half of min(max, initial·2^(failures−1)) fixed, the other half jittered by `random()` ∈ [0, 1). */
export function backoffDelay(failures: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const initial = options.initial ?? DEFAULT_BACKOFF_INITIAL_MS;
  const max = options.max ?? DEFAULT_BACKOFF_MAX_MS;
  const exponent = Math.min(Math.max(failures - 1, 0), 40); // 2^40 already exceeds any sane cap
  const capped = Math.min(max, initial * 2 ** exponent);
  return Math.round(capped / 2 + (capped / 2) * random());
}
