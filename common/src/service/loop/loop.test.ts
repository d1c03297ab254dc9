import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { captureLogger } from '../logger/logger.ts';
import { backoffDelay } from './backoff.ts';
import { NotReadyError, TerminalError } from './error-kinds.ts';
import { NOT_READY_RETRY_MS, startLoop } from './loop.ts';

/** A run whose passes block until the test releases them, recording how many started. */
function gatedRun() {
  const gates: (() => void)[] = [];
  let started = 0;
  let concurrent = 0;
  let maxConcurrent = 0;
  const run = () =>
    new Promise<void>((resolve) => {
      started += 1;
      concurrent += 1;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      gates.push(() => {
        concurrent -= 1;
        resolve();
      });
    });
  const release = async () => {
    gates.shift()?.();
    await new Promise((r) => setImmediate(r));
  };
  return { run, release, started: () => started, maxConcurrent: () => maxConcurrent, waiting: () => gates.length };
}

describe('startLoop', () => {
  it('runs at once, then every interval', async () => {
    const clock = new ManualClock();
    let runs = 0;
    const loop = startLoop({ name: 't', interval: 10_000, run: async () => void runs++, clock, logger: captureLogger().logger });
    await clock.whenSleeping();
    expect(runs).toBe(1);
    expect(clock.pendingDelays()).toEqual([10_000]);
    await clock.advance(9_999);
    expect(runs).toBe(1);
    await clock.advance(1);
    await clock.whenSleeping();
    expect(runs).toBe(2);
    await loop.stop();
  });

  it('runs immediately on trigger while idle and resolves the trigger with the outcome', async () => {
    const clock = new ManualClock();
    let runs = 0;
    const loop = startLoop({ name: 't', interval: 60_000, run: async () => void runs++, clock, logger: captureLogger().logger });
    await clock.whenSleeping();
    expect(await loop.trigger()).toEqual({ outcome: 'succeeded' });
    expect(runs).toBe(2);
    await loop.stop();
  });

  it('coalesces triggers during a run into exactly one more run, never overlapping', async () => {
    const clock = new ManualClock();
    const gate = gatedRun();
    const loop = startLoop({ name: 't', interval: 60_000, run: gate.run, clock, logger: captureLogger().logger });
    await new Promise((r) => setImmediate(r));
    expect(gate.started()).toBe(1);
    const results = [loop.trigger(), loop.trigger(), loop.trigger()];
    await gate.release(); // first run ends; one more starts at once
    expect(gate.started()).toBe(2);
    await gate.release();
    await clock.whenSleeping();
    expect(gate.started()).toBe(2);
    expect(gate.maxConcurrent()).toBe(1);
    expect(await Promise.all(results)).toEqual(Array(3).fill({ outcome: 'succeeded' }));
    await loop.stop();
  });

  it('backs off exponentially with jitter after failures, capped, and returns to the interval after a success', async () => {
    const clock = new ManualClock();
    let failuresLeft = 5;
    const { logger, lines } = captureLogger();
    const loop = startLoop({
      name: 't',
      interval: 10_000,
      run: async () => {
        if (failuresLeft-- > 0) throw new Error('remote unreachable');
      },
      clock,
      logger,
      backoff: { initial: 1000, max: 5000 },
      random: () => 0.5,
    });
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      await clock.whenSleeping();
      const delay = clock.pendingDelays()[0]!;
      delays.push(delay);
      await clock.advance(delay);
    }
    expect(delays).toEqual([750, 1500, 3000, 3750, 3750, 10_000]);
    expect(loop.status()).toMatchObject({ consecutiveFailures: 0, runs: 7 }); // 5 failures, a success, and the run after its interval
    expect(lines.filter((l) => l.msg === 'run failed, retrying')).toHaveLength(5);
    await loop.stop();
  });

  it('stop waits for the current run, aborts its signal and answers pending triggers', async () => {
    const clock = new ManualClock();
    const gate = gatedRun();
    let signal: AbortSignal | undefined;
    const loop = startLoop({
      name: 't',
      interval: 1000,
      run: (s) => ((signal = s), gate.run()),
      clock,
      logger: captureLogger().logger,
    });
    await new Promise((r) => setImmediate(r));
    const pending = loop.trigger();
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    expect(signal?.aborted).toBe(true);
    expect(stopped).toBe(false);
    await gate.release();
    await stopping;
    expect(await pending).toEqual({ outcome: 'stopped' });
    expect(gate.started()).toBe(1);
    expect(await loop.trigger()).toEqual({ outcome: 'stopped' });
  });
});

describe('startLoop error kinds', () => {
  /** The delays the loop waits after each of `errors` (undefined: a success), in order. */
  async function delaysAfter(errors: Array<Error | undefined>, interval = 10_000) {
    const clock = new ManualClock();
    const { logger, lines } = captureLogger();
    let next = 0;
    const loop = startLoop({
      name: 't',
      interval,
      run: async () => {
        const error = errors[next++];
        if (error) throw error;
      },
      clock,
      logger,
      backoff: { initial: 1000, max: 5000 },
      random: () => 0.5,
    });
    const delays: number[] = [];
    let status = loop.status();
    for (let i = 0; i < errors.length; i++) {
      await clock.whenSleeping();
      // The status after the last listed run, before the wait ends and another run starts.
      status = loop.status();
      const delay = clock.pendingDelays()[0]!;
      delays.push(delay);
      if (i < errors.length - 1) await clock.advance(delay);
    }
    await loop.stop();
    return { delays, status, lines };
  }

  it('looks again soon while not ready, without counting failures or backing off', async () => {
    const { delays, status, lines } = await delaysAfter([new NotReadyError('peer starting'), new NotReadyError('peer starting', { retryAfterMs: 500 }), new NotReadyError('again')]);
    expect(delays).toEqual([NOT_READY_RETRY_MS, 500, NOT_READY_RETRY_MS]);
    expect(status).toMatchObject({ consecutiveFailures: 0, lastErrorKind: 'not-ready' });
    expect(lines.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
  });

  it('waits the normal interval after a terminal error, logging it once per streak', async () => {
    const { delays, status, lines } = await delaysAfter([new TerminalError('cache dir follows another remote'), new TerminalError('still'), new TerminalError('still')]);
    expect(delays).toEqual([10_000, 10_000, 10_000]);
    expect(status).toMatchObject({ consecutiveFailures: 3, lastErrorKind: 'terminal' });
    expect(lines.filter((l) => l.level === 'error')).toHaveLength(1);
  });

  it('backs off on transient errors, and a success resets everything', async () => {
    const { delays, status } = await delaysAfter([new Error('network'), new Error('network'), undefined, new Error('network')]);
    expect(delays).toEqual([750, 1500, 10_000, 750]);
    expect(status).toMatchObject({ consecutiveFailures: 1, lastErrorKind: 'transient' });
  });
});

describe('backoffDelay', () => {
  it('doubles from initial, caps at max, and jitters the upper half', () => {
    const opts = { initial: 100, max: 1000 };
    expect([1, 2, 3, 4, 5, 50].map((n) => backoffDelay(n, opts, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
    expect(backoffDelay(3, opts, () => 0.999999)).toBe(400);
  });
});
