// Which places of a reports list may differ from another list of the same line (one made from the other, or both
// from one list), so a delta or a digest between the two looks at those places only. Pure bookkeeping, no I/O.
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
 * The places where `a` and `b` may differ, when one was made from the other, or both from one list, in a few steps
 * (see madeFrom); every other place holds the very same item in both. A pass's list is made from the last pass's,
 * and the lists events make in between from that one too, so a peer holding one of those asks across siblings.
 * Undefined when that is not known: compare every place then.
 */
export function placesChangedBetween(a: readonly unknown[], b: readonly unknown[]): ReadonlySet<number> | undefined {
  return lists.changedBetween(a, b);
}
