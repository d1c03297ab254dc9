// A commit's files as a map that shares what did not change with an earlier commit's, so a read costs what changed.
import type { RepoFile } from './files.ts';

/** Changes a layered map carries, as a share of its base, before the next one is flattened into a plain map. */
const MAX_CHANGES_SHARE = 1 / 16;
/** Below this many changes a layered map is never flattened: copying a small tree costs nothing worth saving. */
const MIN_CHANGES_KEPT = 256;

/** Marks a path the base has and a layered map does not. */
const REMOVED: RepoFile = Object.freeze({ path: '', kind: 'file', oid: '', size: 0 });

/**
 * A map of path → file made of a base map, shared with earlier commits and never written, and this map's own changes
 * (a file, or REMOVED for a path the base has and this map does not). It is a Map to everyone reading it: `get`,
 * `has`, `size` and iteration (the base's order, changed files in their place, added ones last) answer for the
 * combination, and `set`, `delete` and `clear` change only this map.
 */
export class LayeredFiles extends Map<string, RepoFile> {
  private base: ReadonlyMap<string, RepoFile>;
  private readonly changes: Map<string, RepoFile>;
  private count: number;

  private constructor(base: ReadonlyMap<string, RepoFile>, changes: Map<string, RepoFile>) {
    super();
    this.base = base;
    this.changes = changes;
    this.count = base.size;
    for (const [path, file] of changes) {
      if (file === REMOVED) this.count--;
      else if (!base.has(path)) this.count++;
    }
  }

  /**
   * `previous` with `changed` applied (a file, or undefined for a path removed), sharing `previous`'s entries: a
   * layered map over `previous`'s base, or a plain map once the changes since that base have grown past a share of it.
   */
  static next(previous: Map<string, RepoFile>, changed: ReadonlyMap<string, RepoFile | undefined>): Map<string, RepoFile> {
    const base = previous instanceof LayeredFiles ? previous.base : previous;
    const changes = previous instanceof LayeredFiles ? new Map(previous.changes) : new Map<string, RepoFile>();
    for (const [path, file] of changed) {
      // A path the base holds as it is now needs no entry of its own.
      if (file === undefined ? !base.has(path) : base.get(path) === file) changes.delete(path);
      else changes.set(path, file ?? REMOVED);
    }
    const layered = new LayeredFiles(base, changes);
    return changes.size > Math.max(MIN_CHANGES_KEPT, base.size * MAX_CHANGES_SHARE) ? new Map(layered) : layered;
  }

  override get size(): number {
    return this.count;
  }

  override get(path: string): RepoFile | undefined {
    const changed = this.changes.get(path);
    if (changed === undefined) return this.base.get(path);
    return changed === REMOVED ? undefined : changed;
  }

  override has(path: string): boolean {
    return this.get(path) !== undefined;
  }

  override set(path: string, file: RepoFile): this {
    if (!this.has(path)) this.count++;
    this.changes.set(path, file);
    return this;
  }

  override delete(path: string): boolean {
    const had = this.has(path);
    if (this.base.has(path)) this.changes.set(path, REMOVED);
    else this.changes.delete(path);
    if (had) this.count--;
    return had;
  }

  override clear(): void {
    this.base = new Map();
    this.changes.clear();
    this.count = 0;
  }

  override *entries(): MapIterator<[string, RepoFile]> {
    for (const [path, file] of this.base) {
      const now = this.changes.get(path) ?? file;
      if (now !== REMOVED) yield [path, now];
    }
    for (const [path, file] of this.changes) if (file !== REMOVED && !this.base.has(path)) yield [path, file];
  }

  override *keys(): MapIterator<string> {
    for (const [path] of this.entries()) yield path;
  }

  override *values(): MapIterator<RepoFile> {
    for (const [, file] of this.entries()) yield file;
  }

  override [Symbol.iterator](): MapIterator<[string, RepoFile]> {
    return this.entries();
  }

  override forEach(callback: (file: RepoFile, path: string, map: Map<string, RepoFile>) => void, thisArg?: unknown): void {
    for (const [path, file] of this.entries()) callback.call(thisArg, file, path, this);
  }
}
