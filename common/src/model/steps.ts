// Long parsing and rendering written once as generators that yield between slices of work: run at once where a caller
// needs the result synchronously (the CLI), or with a pause between slices where a service must keep answering.

/** Work in steps: a generator that yields between slices of work and returns its result. */
export type Steps<T> = Generator<void, T, void>;

/** A function awaited between slices; it decides whether to let other callbacks run first. */
export type Pause = () => Promise<void>;

/** Runs all steps at once and returns the result. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Runs the steps, awaiting `pause` between them, and resolves to the result. */
export async function runStepsPausing<T>(steps: Steps<T>, pause: Pause): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await pause();
  }
}
