// Which keys of a value may differ from an earlier value it was derived from, so a comparison between the two looks
// at those keys only: places of a reports list, names of an environment's version entries. Pure bookkeeping, no I/O.

/**
 * The values a value derives from, nearest first, with the keys each step changed. Ancestors are held weakly, so no
 * chain of values is kept alive; each value names all of them (not only its parent), so an intermediate value that
 * was collected (one nobody held, such as a status made between two peers' requests) does not cut its descendants
 * off from older values that are still held.
 */
interface Link<K> {
  /** ancestors[i] is i + 1 steps back. */
  ancestors: Array<WeakRef<object>>;
  /** steps[i] turned ancestors[i] into the value one step nearer (the value itself for i = 0). */
  steps: Array<Iterable<K>>;
}

/**
 * A record of how values were derived from one another, by the keys each derivation changed. Every other key of a
 * derived value holds the very same item as its parent's. Values are related a bounded number of steps back.
 */
export class Lineage<K> {
  private readonly links = new WeakMap<object, Link<K>>();

  /** `maxSteps`: how many steps back a value is related to the values it derives from. */
  constructor(private readonly maxSteps: number) {}

  /** Records that `child` is `parent` with the items at `changed` replaced, added or removed. */
  record(child: object, parent: object, changed: Iterable<K>): void {
    const up = this.links.get(parent);
    // The parent's WeakRefs and step lists are shared, not copied: a record costs two short arrays.
    const ancestors = [new WeakRef(parent), ...(up?.ancestors.slice(0, this.maxSteps - 1) ?? [])];
    const steps = [changed, ...(up?.steps.slice(0, this.maxSteps - 1) ?? [])];
    this.links.set(child, { ancestors, steps });
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
    const laterLink = this.links.get(later);
    // The values `later` derives from that are still alive, each with how many steps back it is.
    const ancestors = new Map<object, number>([[later, 0]]);
    laterLink?.ancestors.forEach((ref, index) => {
      const ancestor = ref.deref();
      if (ancestor !== undefined && !ancestors.has(ancestor)) ancestors.set(ancestor, index + 1);
    });
    const union = (link: Link<K> | undefined, back: number, keys: Set<K>) => {
      for (const changed of link?.steps.slice(0, back) ?? []) for (const key of changed) keys.add(key);
      return keys;
    };
    const direct = ancestors.get(earlier);
    if (direct !== undefined) return union(laterLink, direct, new Set());
    if (!viaCommonAncestor) return undefined;
    const earlierLink = this.links.get(earlier);
    const refs = earlierLink?.ancestors ?? [];
    for (let index = 0; index < refs.length; index++) {
      const ancestor = refs[index]!.deref();
      const back = ancestor === undefined ? undefined : ancestors.get(ancestor);
      if (back !== undefined) return union(laterLink, back, union(earlierLink, index + 1, new Set()));
    }
    return undefined;
  }
}
