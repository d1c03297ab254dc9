// A map that shares what did not change with an earlier map, so a new version of a large map costs what changed:
// a commit's files after a read of a few changed paths, a plan's claims after a pass that planned a few resources.

/** Changes a layered map carries, as a share of its base, before the next one is flattened into a plain map. */
const MAX_CHANGES_SHARE = 1 / 16;
/** Below this many changes a layered map is never flattened: copying a small map costs nothing worth saving. */
const MIN_CHANGES_KEPT = 256;

/** Marks a key the base has and a layered map does not. */
const REMOVED: unique symbol = Symbol('removed');

/**
 * A map made of a base map, shared with earlier maps and never written, and this map's own changes (a value, or
 * REMOVED for a key the base has and this map does not). It is a Map to everyone reading it: `get`, `has`, `size`
 * and iteration (the base's order, changed entries in their place, added ones last) answer for the combination, and
 * `set`, `delete` and `clear` change only this map. Whoever hands a map to `next` or `derive` must not change it
 * afterwards: later maps read it as their base.
 */
export class LayeredMap<K, V> extends Map<K, V> {
  private base: ReadonlyMap<K, V>;
  private readonly changes: Map<K, V | typeof REMOVED>;
  private count: number;

  private constructor(base: ReadonlyMap<K, V>, changes: Map<K, V | typeof REMOVED>) {
    super();
    this.base = base;
    this.changes = changes;
    this.count = base.size;
    for (const [key, value] of changes) {
      if (value === REMOVED) this.count--;
      else if (!base.has(key)) this.count++;
    }
  }

  /**
   * `previous` with `changed` applied (a value, or undefined for a key removed), sharing `previous`'s entries: a
   * layered map over `previous`'s base, or a plain map once the changes since that base have grown past a share of it.
   */
  static next<K, V>(previous: ReadonlyMap<K, V>, changed: ReadonlyMap<K, V | undefined>): Map<K, V> {
    const { base, changes } = LayeredMap.parts(previous);
    for (const [key, value] of changed) {
      // A key the base holds as it is now needs no entry of its own.
      if (value === undefined ? !base.has(key) : base.get(key) === value) changes.delete(key);
      else changes.set(key, value ?? REMOVED);
    }
    return LayeredMap.of(base, changes);
  }

  /**
   * A map holding what `previous` holds, to be changed freely without changing `previous`: it shares `previous`'s
   * entries (a layered map), or is a plain copy once the changes since `previous`'s base have grown past a share of it.
   */
  static derive<K, V>(previous: ReadonlyMap<K, V>): Map<K, V> {
    const { base, changes } = LayeredMap.parts(previous);
    return LayeredMap.of(base, changes);
  }

  /**
   * What `map` holds now, unchanged by later changes to `map`: for a layered map, a layer over the same base (which
   * nobody writes) with a copy of its changes; a plain map, which its owner may change in place, is copied whole.
   */
  static copyOf<K, V>(map: ReadonlyMap<K, V>): Map<K, V> {
    return map instanceof LayeredMap ? LayeredMap.derive(map) : new Map(map);
  }

  /**
   * The keys at which `a` and `b` may hold different values, when both are layers over one base (or one is the
   * other's base): their own changes. Undefined when they share no base, and only a walk of both can tell.
   */
  static keysThatMayDiffer<K, V>(a: ReadonlyMap<K, V>, b: ReadonlyMap<K, V>): Set<K> | undefined {
    const baseOf = (map: ReadonlyMap<K, V>) => (map instanceof LayeredMap ? (map.base as ReadonlyMap<K, V>) : map);
    if (baseOf(a) !== baseOf(b)) return undefined;
    const keys = new Set<K>();
    for (const map of [a, b]) if (map instanceof LayeredMap) for (const key of (map.changes as Map<K, unknown>).keys()) keys.add(key);
    return keys;
  }

  /** The base a map built from `previous` layers over, and a copy of `previous`'s own changes to it. */
  private static parts<K, V>(previous: ReadonlyMap<K, V>): { base: ReadonlyMap<K, V>; changes: Map<K, V | typeof REMOVED> } {
    return previous instanceof LayeredMap
      ? { base: previous.base as ReadonlyMap<K, V>, changes: new Map(previous.changes as Map<K, V | typeof REMOVED>) }
      : { base: previous, changes: new Map() };
  }

  private static of<K, V>(base: ReadonlyMap<K, V>, changes: Map<K, V | typeof REMOVED>): Map<K, V> {
    const layered = new LayeredMap(base, changes);
    return changes.size > Math.max(MIN_CHANGES_KEPT, base.size * MAX_CHANGES_SHARE) ? new Map(layered) : layered;
  }

  override get size(): number {
    return this.count;
  }

  override get(key: K): V | undefined {
    const changed = this.changes.get(key);
    if (changed === undefined) return this.base.get(key);
    return changed === REMOVED ? undefined : changed;
  }

  override has(key: K): boolean {
    const changed = this.changes.get(key);
    if (changed === undefined) return this.base.has(key);
    return changed !== REMOVED;
  }

  override set(key: K, value: V): this {
    if (!this.has(key)) this.count++;
    this.changes.set(key, value);
    return this;
  }

  override delete(key: K): boolean {
    const had = this.has(key);
    if (this.base.has(key)) this.changes.set(key, REMOVED);
    else this.changes.delete(key);
    if (had) this.count--;
    return had;
  }

  override clear(): void {
    this.base = new Map();
    this.changes.clear();
    this.count = 0;
  }

  override entries(): MapIterator<[K, V]> {
    return this.changes.size === 0 ? this.base.entries() : this.changedEntries();
  }

  private *changedEntries(): MapIterator<[K, V]> {
    for (const [key, value] of this.base) {
      const now = this.changes.has(key) ? this.changes.get(key)! : value;
      if (now !== REMOVED) yield [key, now];
    }
    for (const [key, value] of this.changes) if (value !== REMOVED && !this.base.has(key)) yield [key, value];
  }

  override keys(): MapIterator<K> {
    // Without changes of its own, the base's own iterator: as fast as a plain map's.
    return this.changes.size === 0 ? this.base.keys() : this.changedKeys();
  }

  override values(): MapIterator<V> {
    return this.changes.size === 0 ? this.base.values() : this.changedValues();
  }

  private *changedKeys(): MapIterator<K> {
    for (const [key] of this.changedEntries()) yield key;
  }

  private *changedValues(): MapIterator<V> {
    for (const [, value] of this.changedEntries()) yield value;
  }

  override [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  override forEach(callback: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }
}
