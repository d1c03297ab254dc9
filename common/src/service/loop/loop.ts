// The watcher loop every service runs: poll on an interval, run at once on demand, never overlap, and on an error
// look again as its kind says: soon when not ready, with backoff when transient, at the interval when terminal.
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger/logger.ts';
import type { BackoffOptions } from './backoff.ts';
import { backoffDelay } from './backoff.ts';
import type { ErrorKind } from './error-kinds.ts';
import { errorKind } from './error-kinds.ts';

/** How soon a run that was not ready is tried again, unless its error says otherwise (capped at the interval). */
export const NOT_READY_RETRY_MS = 2000;

/** Options of `startLoop`. */
export interface LoopOptions {
  /** Names the loop in log lines, e.g. `repo-watch`. */
  name: string;
  /** Pause after a successful run, in ms. */
  interval: number;
  /** One pass: fetch, decide, act. Throwing schedules a retry by the error's kind (see errorKind); `signal` aborts when the loop stops. */
  run: (signal: AbortSignal) => Promise<void>;
  clock: Clock;
  logger: Logger;
  backoff?: BackoffOptions;
  /** Jitter source in [0, 1); default Math.random. */
  random?: () => number;
}

/** How the run that a `trigger()` asked for ended. */
export type LoopRunResult =
  /** The run completed without throwing. */
  | { outcome: 'succeeded' }
  /** The run threw; the loop looks again as the error's kind says. */
  | { outcome: 'failed'; error: unknown; kind: ErrorKind }
  /** The loop was stopped before the requested run could happen. */
  | { outcome: 'stopped' };

/** What the loop has done so far; feeds readiness and status endpoints. */
export interface LoopStatus {
  running: boolean;
  /** Completed runs, successful or not. */
  runs: number;
  /** Failed runs since the last success; runs that were only not ready do not count. */
  consecutiveFailures: number;
  lastSuccessAt?: Date;
  lastError?: unknown;
  /** The kind of `lastError`. */
  lastErrorKind?: ErrorKind;
}

/** A started loop. */
export interface LoopHandle {
  /** Runs as soon as possible (now if idle, right after the current run if busy); many triggers during one run cause one more run. */
  trigger(): Promise<LoopRunResult>;
  /** Stops the loop: aborts the wait, signals the current run and resolves once it has finished. */
  stop(): Promise<void>;
  status(): LoopStatus;
}

/** Starts a loop that runs `run` immediately and then every `interval`, as described on `LoopHandle`. */
export function startLoop(options: LoopOptions): LoopHandle {
  const { name, interval, run, clock, random = Math.random } = options;
  if (!(interval > 0)) throw new TypeError(`startLoop ${name}: interval must be positive`);
  const logger = options.logger.child({ loop: name });
  const stopping = new AbortController();
  const state: LoopStatus = { running: false, runs: 0, consecutiveFailures: 0 };
  let triggered = false;
  let wake: AbortController | undefined;
  // Callers of trigger() wait for the next run that starts after their call, not the one already under way.
  let waitingForNextRun: ((result: LoopRunResult) => void)[] = [];

  const loop = async () => {
    while (!stopping.signal.aborted) {
      // 1. Run once; whoever triggered before this point is answered by this run.
      triggered = false;
      const waiters = waitingForNextRun;
      waitingForNextRun = [];
      state.running = true;
      const result = await runOnce();
      state.running = false;
      state.runs += 1;
      for (const resolve of waiters) resolve(result);
      if (stopping.signal.aborted) break;
      // 2. A trigger that arrived during the run gets exactly one more run, straight away.
      if (triggered) continue;
      // 3. Wait as the outcome says; a trigger cuts the wait short.
      const delay = delayAfter(result);
      wake = new AbortController();
      await clock.sleep(delay, AbortSignal.any([wake.signal, stopping.signal]));
      wake = undefined;
    }
    for (const resolve of waitingForNextRun) resolve({ outcome: 'stopped' });
    waitingForNextRun = [];
  };

  const runOnce = async (): Promise<LoopRunResult> => {
    try {
      await Promise.resolve().then(() => run(stopping.signal));
      state.consecutiveFailures = 0;
      state.lastSuccessAt = clock.now();
      state.lastError = undefined;
      state.lastErrorKind = undefined;
      return { outcome: 'succeeded' };
    } catch (error) {
      const kind = errorKind(error);
      if (kind !== 'not-ready') state.consecutiveFailures += 1;
      state.lastError = error;
      state.lastErrorKind = kind;
      return { outcome: 'failed', error, kind };
    }
  };

  /** The interval after success; soon when not ready; a growing jittered delay when transient; the interval when terminal. */
  const delayAfter = (result: LoopRunResult): number => {
    if (result.outcome !== 'failed') return interval;
    if (result.kind === 'not-ready') {
      const soon = Math.min(interval, (result.error as { retryAfterMs?: number }).retryAfterMs ?? NOT_READY_RETRY_MS);
      logger.debug('not ready yet, looking again soon', { retryInMs: soon, reason: messageOf(result.error) });
      return soon;
    }
    if (result.kind === 'terminal') {
      // Retrying faster cannot help; say so loudly once per failure streak and look again at the normal pace.
      if (state.consecutiveFailures === 1) logger.error('run failed, and retrying cannot help until the input changes', { error: result.error });
      return interval;
    }
    const delay = backoffDelay(state.consecutiveFailures, options.backoff, random);
    logger.warn('run failed, retrying', { failures: state.consecutiveFailures, retryInMs: delay, error: result.error });
    return delay;
  };

  const done = loop().catch((error: unknown) => logger.error('loop crashed', { error }));

  return {
    trigger() {
      if (stopping.signal.aborted) return Promise.resolve({ outcome: 'stopped' });
      triggered = true;
      const result = new Promise<LoopRunResult>((resolve) => waitingForNextRun.push(resolve));
      wake?.abort();
      return result;
    },
    async stop() {
      stopping.abort();
      await done;
    },
    status: () => ({ ...state }),
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
