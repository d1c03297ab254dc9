// Reading snapshots of a git remote commit after commit, re-reading and re-parsing only what changed.
import type { GitRepo } from '../git/types.ts';
import { parseSnapshotAsync, type SnapshotWithFiles } from './snapshot.ts';
import type { Pause } from './steps.ts';
import { createTimeSlicer } from '../service/loop/time-slicer.ts';
import { GenerationalCache } from '../repo/generational-cache.ts';

/** Reads snapshots of one repo; keep one per service so its caches carry over between loops. */
export class SnapshotReader {
  /** Parsed files and rendered resources; pass it to renderEnvironment so unchanged resources are not re-rendered. */
  readonly cache = new GenerationalCache();
  private last: SnapshotWithFiles | undefined;
  private reading: Promise<unknown> = Promise.resolve();

  /** `newPause` makes the pause awaited between steps of one read; by default it yields to the event loop every few ms. */
  constructor(
    private readonly repo: Pick<GitRepo, 'readFiles'>,
    private readonly newPause: () => Pause = () => createTimeSlicer(),
  ) {}

  /** The snapshot at a commit; the same commit twice returns the same object. Reads run one at a time. */
  read(commit: string): Promise<SnapshotWithFiles> {
    // One at a time: a read starting in the middle of another would begin a new cache round under it.
    const run = this.reading.then(() => this.readNow(commit));
    this.reading = run.catch(() => undefined);
    return run;
  }

  private async readNow(commit: string): Promise<SnapshotWithFiles> {
    if (this.last?.commit === commit) return this.last;
    const files = await this.repo.readFiles(commit);
    this.cache.nextRound();
    // Parsed in steps with pauses between them, so a big commit does not stop the service from answering meanwhile.
    this.last = await parseSnapshotAsync(files, { cache: this.cache, pause: this.newPause() });
    return this.last;
  }
}
