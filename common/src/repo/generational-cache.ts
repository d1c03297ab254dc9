// A cache that keeps exactly what the last round used: entries not touched for a whole round are dropped.
import type { WeakValueMap } from './shared-reads.ts';

/** Two-generation cache: `get` moves hits into the current round; `nextRound` forgets the untouched rest. */
export class GenerationalCache {
  private current = new Map<string, unknown>();
  private previous = new Map<string, unknown>();

  /**
   * `shared` holds the values of other caches of the process under the same keys (see SharedReads): a miss asks it,
   * and what is set goes there too, for the keys `sharesKey` accepts.
   */
  constructor(
    private readonly shared?: WeakValueMap<object>,
    private readonly sharesKey: (key: string) => boolean = () => true,
  ) {}

  /**
   * The cached value, moving it into the current round. Moved, not copied: every entry in use would otherwise sit in
   * both generations, with two key strings and a second table (tens of megabytes at 10,000 resources × 4).
   */
  get(key: string): unknown {
    if (this.current.has(key)) return this.current.get(key);
    if (!this.previous.has(key)) return this.fromShared(key);
    const value = this.previous.get(key);
    this.current.set(key, value);
    this.previous.delete(key);
    return value;
  }

  /** Stores a value in the current round. */
  set(key: string, value: unknown): this {
    this.current.set(key, value);
    if (this.shared !== undefined && typeof value === 'object' && value !== null && this.sharesKey(key)) this.shared.set(key, value);
    return this;
  }

  /** What another cache of the process holds under `key`, taken into the current round. */
  private fromShared(key: string): unknown {
    const value = this.shared !== undefined && this.sharesKey(key) ? this.shared.get(key) : undefined;
    if (value !== undefined) this.current.set(key, value);
    return value;
  }

  /** Starts a new round: what the finished round did not touch is forgotten. */
  nextRound(): void {
    this.previous = this.current;
    this.current = new Map();
  }

  /** Entries kept from the current and the previous round. */
  get size(): number {
    return new Set([...this.current.keys(), ...this.previous.keys()]).size;
  }

  /** Entries the two generations hold, an entry in both counted twice. */
  get held(): number {
    return this.current.size + this.previous.size;
  }
}
