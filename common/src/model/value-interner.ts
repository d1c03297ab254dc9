// Shares the strings and empty maps that values kept for a long time repeat (live objects: every one carries its
// namespace, kind, commit and a field-ownership record full of `{}`), so a process holds one copy of each. No I/O.
import type { YamlValue } from './types.ts';
import { StringTable } from '../repo/string-table.ts';

/** The one empty map every interned value holds instead of its own; frozen, since it is shared. */
const EMPTY_MAP: Record<string, YamlValue> = Object.freeze({}) as Record<string, YamlValue>;

/**
 * Replaces, in place, every short string of a JSON value by an equal one seen before and every empty map by one
 * shared frozen map; every string it hands out is detached (see detachedString). Only that: the maps and lists keep
 * the layout the JSON parser gave them, which is more compact than any copy (copying and sharing whole equal
 * subtrees was measured to cost more than it saved).
 *
 * Its strings come from a StringTable, which stays bounded however many distinct strings pass through.
 */
export class ValueInterner {
  private readonly strings: StringTable;

  /** The string table's bounds and what it looks up (see StringTable). */
  constructor(...table: ConstructorParameters<typeof StringTable>) {
    this.strings = new StringTable(...table);
  }

  /**
   * `value`, with its strings and empty maps replaced by shared equal ones; returns the empty map for an empty map.
   * Changes `value`: pass only what the caller owns (a freshly parsed object), and never change the result's maps.
   * With `freeze`, every map and list of the result is frozen too, so a caller that would change it fails instead.
   * With `emptyMaps: false` only strings are replaced, so a caller may go on changing the value's maps and lists.
   */
  internInPlace<T extends YamlValue>(value: T, { freeze = false, emptyMaps = true } = {}): T {
    return this.internValue(value, freeze, emptyMaps) as T;
  }

  /** Strings in the table (both generations). */
  get size(): number {
    return this.strings.size;
  }

  private internValue(value: YamlValue, freeze: boolean, emptyMaps: boolean): YamlValue {
    if (typeof value === 'string') return this.strings.intern(value);
    if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
    // Only plain lists and maps: anything else (the repo reader refuses YAML's !!binary, !!set, !!timestamp) is kept as it is.
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Array.prototype && prototype !== Object.prototype && prototype !== null) return value;
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) value[index] = this.internValue(value[index]!, freeze, emptyMaps);
      return freeze ? (Object.freeze(value) as YamlValue[]) : value;
    }
    let empty = true;
    for (const name in value) {
      if (!Object.hasOwn(value, name)) continue;
      empty = false;
      const item = value[name];
      if (item !== undefined) value[name] = this.internValue(item, freeze, emptyMaps);
    }
    if (empty && emptyMaps && prototype === Object.prototype) return EMPTY_MAP;
    return freeze ? Object.freeze(value) : value;
  }
}
