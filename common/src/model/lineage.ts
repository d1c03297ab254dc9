// Which keys of a value may differ from an earlier value it was derived from, so a comparison between the two looks
// at those keys only: places of a reports list, names of an environment's version entries. Pure bookkeeping, no I/O.

/** A value derived from `parent` by changing `changed`; the parent is held weakly, so no chain of values is kept alive. */
interface Link<K> {
  parent: WeakRef<object>;
  changed: Iterable<K>;
}

/**
 * A record of how values were derived from one another, by the keys each derivation changed. Every other key of a
 * derived value holds the very same item as its parent's. Links are followed back a bounded number of steps.
 */
export class Lineage<K> {
  private readonly links = new WeakMap<object, Link<K>>();

  /** `maxSteps`: links followed back from a value before giving up. */
  constructor(private readonly maxSteps: number) {}

  /** Records that `child` is `parent` with the items at `changed` replaced, added or removed. */
  record(child: object, parent: object, changed: Iterable<K>): void {
    this.links.set(child, { parent: new WeakRef(parent), changed });
  }

  /**
   * The keys at which `later` may differ from `earlier`, when `later` derives from `earlier` within the bounded
   * steps; undefined when that is not known (compare every key then).
   */
  changedSince(earlier: object, later: object): Set<K> | undefined {
    return this.between(earlier, later, false);
  }

  /**
   * The keys at which `a` and `b` may differ, when one derives from the other or both from one earlier value within
   * the bounded steps: the keys changed on both ways to it. Undefined when no such value is found.
   */
  changedBetween(a: object, b: object): Set<K> | undefined {
    return this.between(a, b, true);
  }

  private between(earlier: object, later: object, viaCommonAncestor: boolean): Set<K> | undefined {
    // The values `later` derives from, each with how many steps back it is, and the keys each step changed.
    const steps: Array<Iterable<K>> = [];
    const ancestors = new Map<object, number>([[later, 0]]);
    for (let current = later; steps.length < this.maxSteps; ) {
      const link = this.links.get(current);
      const parent = link?.parent.deref();
      if (link === undefined || parent === undefined) break;
      steps.push(link.changed);
      ancestors.set(parent, steps.length);
      current = parent;
    }
    const keys = new Set<K>();
    let current = earlier;
    for (let step = 0; step <= this.maxSteps; step++) {
      const back = ancestors.get(current);
      if (back !== undefined) {
        for (const changed of steps.slice(0, back)) for (const key of changed) keys.add(key);
        return keys;
      }
      const link = viaCommonAncestor ? this.links.get(current) : undefined;
      const parent = link?.parent.deref();
      if (link === undefined || parent === undefined) return undefined;
      for (const key of link.changed) keys.add(key);
      current = parent;
    }
    return undefined;
  }
}
