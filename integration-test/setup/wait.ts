// Bounded polling for integration tests: wait for the cluster to reach a state, fail with what was last seen.

/** Options of waitUntil. */
export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/** Polls `check` until it returns a value other than undefined; throws naming `what` and the last error after the timeout. */
export async function waitUntil<T>(what: string, check: () => Promise<T | undefined>, options: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`, { cause: lastError });
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
  }
}
