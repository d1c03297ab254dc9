// Fencing: work done for an environment (or the transitioner's commits) carries the Lease it was started under, and
// every write checks it first, so a replica that lost its Lease stops writing before another may take over.
import { AsyncLocalStorage } from 'node:async_hooks';

/** A Lease as the writes done under it see it. */
export interface Fence {
  /** What it guards, for errors, e.g. `shard 2`. */
  readonly name: string;
  /** Whether writes may go on: the Lease is held and was renewed within the renew deadline. */
  ok(): boolean;
  /** Counts the work under way, so a Lease handed over voluntarily is released only after it ended. */
  enter?(): void;
  leave?(): void;
}

/** Thrown by a write whose fence no longer holds; the work it belongs to ends without effect. */
export class FenceLostError extends Error {
  /** Creates the error for the fence that was lost. */
  constructor(readonly fence: string) {
    super(`this replica no longer holds ${fence}; another replica acts for it`);
    this.name = 'FenceLostError';
  }
}

const current = new AsyncLocalStorage<Fence>();

/** Runs `work` under `fence` (no fence: unguarded, as a single process is); writes inside it call checkFence. */
export async function runFenced<T>(fence: Fence | undefined, work: () => Promise<T>): Promise<T> {
  if (fence === undefined) return work();
  // Work for a Lease already lost does not start at all (a control script would have nothing to check).
  if (!fence.ok()) throw new FenceLostError(fence.name);
  fence.enter?.();
  try {
    return await current.run(fence, work);
  } finally {
    fence.leave?.();
  }
}

/** Throws FenceLostError when the work this runs in was started under a fence that no longer holds. */
export function checkFence(): void {
  const fence = current.getStore();
  if (fence !== undefined && !fence.ok()) throw new FenceLostError(fence.name);
}

/** Whether an error (or its cause) is a lost fence. */
export function isFenceLost(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) if (e instanceof FenceLostError) return true;
  return false;
}
