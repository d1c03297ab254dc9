// Which places of a reports list may differ from an earlier list it was made from, so a delta or a digest between
// the two looks at those places only. Pure bookkeeping, no I/O.

/** A list made from `parent` by replacing the items at `positions`; the parent is held weakly, so no chain of lists is kept alive. */
interface Link {
  parent: WeakRef<readonly unknown[]>;
  positions: readonly number[];
}

const links = new WeakMap<readonly unknown[], Link>();

/** Links followed back from a list before giving up (each peer holds a status a few changes old at most). */
const MAX_STEPS = 16;

/**
 * Records that `child` is `parent` with the items at `positions` replaced (same length, every other place the very
 * same item), as a status after a few events or a carried pass is made.
 */
export function madeFrom(child: readonly unknown[], parent: readonly unknown[], positions: readonly number[]): void {
  links.set(child, { parent: new WeakRef(parent), positions });
}

/**
 * The places where `to` may differ from `from`, when `to` was made from `from` (see madeFrom) in a few steps; every
 * other place holds the very same item in both. Undefined when that is not known: compare every place then.
 */
export function placesChangedSince(from: readonly unknown[], to: readonly unknown[]): ReadonlySet<number> | undefined {
  const places = new Set<number>();
  let current = to;
  for (let step = 0; step <= MAX_STEPS; step++) {
    if (current === from) return places;
    const link = links.get(current);
    const parent = link?.parent.deref();
    if (link === undefined || parent === undefined) return undefined;
    for (const position of link.positions) places.add(position);
    current = parent;
  }
  return undefined;
}
