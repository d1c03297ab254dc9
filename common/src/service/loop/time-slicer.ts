// Long synchronous work (parsing a large commit, rendering an environment) split into slices, so the event loop
// still answers health checks and API calls in between: a liveness probe that times out would restart the service.

/** How long a slice of work may run before other callbacks get their turn, in ms. */
export const SLICE_MS = 20;

/**
 * A pause function for one long task: awaiting it yields to the event loop (setImmediate, so I/O callbacks run too)
 * once `sliceMs` have passed since the last yield, and is only a resolved promise otherwise.
 */
export function createTimeSlicer(sliceMs: number = SLICE_MS, now: () => number = () => performance.now()): () => Promise<void> {
  let sliceStart = now();
  return async () => {
    if (now() - sliceStart < sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    sliceStart = now();
  };
}
