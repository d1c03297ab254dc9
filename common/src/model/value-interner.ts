// Shares the strings and empty maps that values kept for a long time repeat (live objects: every one carries its
// namespace, kind, commit and a field-ownership record full of `{}`), so a process holds one copy of each. No I/O.
import type { YamlValue } from './types.ts';

/** Strings a generation of the table holds before the next starts; what neither generation used again is dropped. */
const DEFAULT_GENERATION_SIZE = 20_000;
/** Longer strings are rarely repeated (uids, hashes of content, messages): they are not looked up, only detached. */
const MAX_INTERNED_STRING = 64;

/**
 * An equal string that holds no larger one. V8 makes a substring of 13 characters or more (what `slice`, `split` and
 * the YAML parser hand out) a view of its parent, which stays alive as long as the view does: a name kept from a parsed
 * file kept the whole file's text, a name from a decoded inventory the whole inventory. A JSON round trip makes a
 * string of its own; use it on what is kept for long, once per distinct value.
 */
export function detachedString(text: string): string {
  return text.length < 13 ? text : (JSON.parse(JSON.stringify(text)) as string);
}

/** The one empty map every interned value holds instead of its own; frozen, since it is shared. */
const EMPTY_MAP: Record<string, YamlValue> = Object.freeze({}) as Record<string, YamlValue>;

/**
 * Replaces, in place, every short string of a JSON value by an equal one seen before and every empty map by one
 * shared frozen map; every string it hands out is detached (see detachedString). Only that: the maps and lists keep
 * the layout the JSON parser gave them, which is more compact than any copy (copying and sharing whole equal
 * subtrees was measured to cost more than it saved).
 *
 * The string table keeps two generations (like GenerationalCache), so it stays bounded however many distinct strings
 * pass through; a string dropped from it is only shared less.
 */
export class ValueInterner {
  private current = new Map<string, string>();
  private previous = new Map<string, string>();

  /**
   * `maxLength`: longer strings are not looked up (default 64); raise it for values known to repeat, such as object
   * keys. `repeats`: whether a string is worth looking up at all; one that never repeats (a resourceVersion, a hash of
   * content) would only push the strings that do out of the table.
   */
  constructor(
    private readonly generationSize = DEFAULT_GENERATION_SIZE,
    private readonly maxLength = MAX_INTERNED_STRING,
    private readonly repeats: (text: string) => boolean = () => true,
  ) {}

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
    return this.current.size + this.previous.size;
  }

  private internValue(value: YamlValue, freeze: boolean, emptyMaps: boolean): YamlValue {
    if (typeof value === 'string') return this.internString(value);
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

  private internString(value: string): string {
    // Kept strings hold no parent: an interned name must not keep alive the file it was parsed from (detachedString).
    if (value.length > this.maxLength || !this.repeats(value)) return detachedString(value);
    const hit = this.current.get(value);
    if (hit !== undefined) return hit;
    const old = this.previous.get(value);
    const kept = old ?? detachedString(value);
    if (this.current.size >= this.generationSize) {
      this.previous = this.current;
      this.current = new Map();
    }
    // Keyed by the kept string too: the key would otherwise keep the parent of the string first seen.
    this.current.set(kept, kept);
    return kept;
  }
}
