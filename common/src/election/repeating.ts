// Runs an async step now and then again a period after each run ends, until stopped; runs never overlap.

/** A step repeating until stop(). */
export interface Repeating {
  /** Stops the repetition and resolves once the run under way (if any) has ended. */
  stop(): Promise<void>;
}

/** Starts `step` at once and repeats it `periodMs` after each run ends (not a fixed rate: a slow run never piles up). */
export function repeat(step: () => Promise<void>, periodMs: number): Repeating {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const run = () => {
    running = step().finally(() => {
      running = undefined;
      if (!stopped) timer = setTimeout(run, periodMs);
    });
  };
  timer = setTimeout(run, 0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
