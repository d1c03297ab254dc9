// The watcher loop every service runs: poll on an interval, run at once on demand, never overlap, back off on errors.
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger/logger.ts';
import type { BackoffOptions } from './backoff.ts';
import { backoffDelay } from './backoff.ts';

/** Options of `startLoop`. */
export interface LoopOptions {
  /** Names the loop in log lines, e.g. `repo-watch`. */
  name: string;
  /** Pause after a successful run, in ms. */
  interval: number;
  /** One pass: fetch, decide, act. Throwing schedules a retry with backoff; `signal` aborts when the loop stops. */
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
  /** The run threw; the loop retries with backoff. */
  | { outcome: 'failed'; error: unknown }
  /** The loop was stopped before the requested run could happen. */
  | { outcome: 'stopped' };

/** What the loop has done so far; feeds readiness and status endpoints. */
export interface LoopStatus {
  running: boolean;
  /** Completed runs, successful or not. */
  runs: number;
  consecutiveFailures: number;
  lastSuccessAt?: Date;
  lastError?: unknown;
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
      // 3. Wait: the interval after success, a growing jittered delay after failures; a trigger cuts the wait short.
      const delay = state.consecutiveFailures > 0 ? backoffDelay(state.consecutiveFailures, options.backoff, random) : interval;
      if (state.consecutiveFailures > 0) logger.warn('run failed, retrying', { failures: state.consecutiveFailures, retryInMs: delay, error: state.lastError });
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
      return { outcome: 'succeeded' };
    } catch (error) {
      state.consecutiveFailures += 1;
      state.lastError = error;
      return { outcome: 'failed', error };
    }
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
