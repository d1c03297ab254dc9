// Comparing two lists of named items place by place, as a delta does when a list keeps its names. Pure, no I/O.
import { jsonEqual } from '../model/json-equal.ts';

/**
 * The items of `after` that differ from those at the same places in `before`, when both name the same items at the
 * same places (the usual case: a change replaces a few items), found without indexing either list; undefined when
 * the lengths or a name differ. `places` (every place by default) limits the places looked at, in ascending order;
 * an item that is the very same object is not compared further.
 */
export function changedByPlace<T extends { name: string }>(before: readonly T[], after: readonly T[], places: Iterable<number> = after.keys()): T[] | undefined {
  if (before.length !== after.length) return undefined;
  const changed: T[] = [];
  for (const index of places) {
    const item = after[index];
    const previous = before[index];
    if (item === undefined || previous === undefined) return undefined;
    if (previous === item) continue;
    if (previous.name !== item.name) return undefined;
    if (!jsonEqual(previous, item)) changed.push(item);
  }
  return changed;
}
