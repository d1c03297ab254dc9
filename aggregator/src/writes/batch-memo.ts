// What the writes of one batch derive from the tree once rather than once each: the snapshot of each head they are
// applied to (head-snapshot.ts) and what the staging writes read from it. Without it each write of a batch of a hundred
// would derive the same values again.
import type { WriteContext } from '@cascade/common/git';

/** `compute()`, kept for the rest of the batch under `key`; the key must name every input the value depends on. */
export function memoized<T>(context: WriteContext | undefined, key: string, compute: () => T): T {
  if (!context) return compute();
  if (context.memo.has(key)) return context.memo.get(key) as T;
  const value = compute();
  context.memo.set(key, value);
  return value;
}
