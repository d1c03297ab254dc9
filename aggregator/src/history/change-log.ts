// Which names changed since a point in time, for status rows rebuilt by what changed. No I/O.

/** Names kept before the oldest half is dropped; a mark older than what is kept tells nothing (see `since`). */
const DEFAULT_LIMIT = 4096;

/**
 * The names recorded, in order, and a mark that counts them: `since(mark)` answers the names recorded after `mark`
 * was read, so a consumer that read `mark` before can redo what those names touch instead of everything.
 */
export class ChangeLog {
  private names: string[] = [];
  /** The mark of `names[0]`. */
  private start = 0;

  constructor(private readonly limit = DEFAULT_LIMIT) {}

  /** A token that changes with every record; pass it to `since` later. */
  get mark(): number {
    return this.start + this.names.length;
  }

  /** Records that `name` changed. */
  record(name: string): void {
    this.names.push(name);
    if (this.names.length > this.limit) {
      const dropped = this.names.length - Math.floor(this.limit / 2);
      this.names = this.names.slice(dropped);
      this.start += dropped;
    }
  }

  /** Records that everything changed: no earlier mark tells which names did. */
  recordAll(): void {
    this.start = this.mark + 1;
    this.names = [];
  }

  /** The names recorded after `mark`; undefined when that is longer ago than what is kept, or everything changed since. */
  since(mark: number): ReadonlySet<string> | undefined {
    if (mark < this.start || mark > this.mark) return undefined;
    return new Set(this.names.slice(mark - this.start));
  }
}
