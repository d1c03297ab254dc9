// Which places of a reports list may differ from an earlier list it was made from, so a delta or a digest between
// the two looks at those places only. Pure bookkeeping, no I/O.
import { Lineage } from '../model/lineage.ts';

/** Reports lists by the places each replaced; a peer holds a status a few changes old at most, so 16 steps back. */
const lists = new Lineage<number>(16);

/**
 * Records that `child` is `parent` with the items at `positions` replaced (same length, every other place the very
 * same item), as a status after a few events or a carried pass is made.
 */
export function madeFrom(child: readonly unknown[], parent: readonly unknown[], positions: readonly number[]): void {
  lists.record(child, parent, positions);
}

/**
 * The places where `to` may differ from `from`, when `to` was made from `from` (see madeFrom) in a few steps; every
 * other place holds the very same item in both. Undefined when that is not known: compare every place then.
 */
export function placesChangedSince(from: readonly unknown[], to: readonly unknown[]): ReadonlySet<number> | undefined {
  return lists.changedSince(from, to);
}
