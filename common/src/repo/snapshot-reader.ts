// Reading snapshots of a git remote commit after commit, re-reading and re-parsing only what changed.
import type { GitRepo } from '../git/types.ts';
import { parseSnapshot, type SnapshotWithFiles } from '../model/snapshot.ts';
import { GenerationalCache } from './generational-cache.ts';

/** Reads snapshots of one repo; keep one per service so its caches carry over between loops. */
export class SnapshotReader {
  /** Parsed files and rendered resources; pass it to renderEnvironment so unchanged resources are not re-rendered. */
  readonly cache = new GenerationalCache();
  private last: SnapshotWithFiles | undefined;

  constructor(private readonly repo: Pick<GitRepo, 'readFiles'>) {}

  /** The snapshot at a commit; the same commit twice returns the same object. */
  async read(commit: string): Promise<SnapshotWithFiles> {
    if (this.last?.commit === commit) return this.last;
    const files = await this.repo.readFiles(commit);
    this.cache.nextRound();
    this.last = parseSnapshot(files, { cache: this.cache });
    return this.last;
  }
}
