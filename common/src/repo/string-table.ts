// One copy of each string that values kept for a long time repeat, and strings that keep no larger text alive. No I/O.

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

/**
 * Hands out one string for equal strings seen recently, each detached (see detachedString). The table keeps two
 * generations (like GenerationalCache), so it stays bounded however many distinct strings pass through; a string
 * dropped from it is only shared less.
 */
export class StringTable {
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

  /** The string equal to `value` handed out before, or a detached copy of `value` from now on. */
  intern(value: string): string {
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

  /** Strings in the table (both generations). */
  get size(): number {
    return this.current.size + this.previous.size;
  }
}
