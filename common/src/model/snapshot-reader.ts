// Reading snapshots of a git remote commit after commit, re-reading and re-parsing only what changed.
import type { GitRepo } from '../git/types.ts';
import type { RepoFiles } from '../repo/files.ts';
import { parseSnapshotAsync, type SnapshotWithFiles } from './snapshot.ts';
import { patchSnapshotSteps } from './snapshot-patch.ts';
import { runStepsPausing, type Pause } from './steps.ts';
import { createTimeSlicer } from '../service/loop/time-slicer.ts';
import { GenerationalCache } from '../repo/generational-cache.ts';
import { isRenderCacheKey } from './render.ts';

/** Full parses at least this often, so what the cache holds for files no commit uses any more is dropped. */
const MAX_PATCHED_READS = 100;

/** Reads snapshots of one repo; keep one per service so its caches carry over between loops. */
export class SnapshotReader {
  /**
   * Parsed files and rendered resources; pass it to renderEnvironment so unchanged resources are not re-rendered.
   * Shares the parsed files with the other services of the process when the repo shares its reads (SharedReads).
   */
  readonly cache: GenerationalCache;
  private last: SnapshotWithFiles | undefined;
  /** Reads patched onto the last full parse; the cache starts a new round only at a full parse, so this bounds its growth. */
  private patched = 0;
  private reading: Promise<unknown> = Promise.resolve();

  /** `newPause` makes the pause awaited between steps of one read; by default it yields to the event loop every few ms. */
  constructor(
    private readonly repo: Pick<GitRepo, 'readFiles' | 'sharedReads'>,
    private readonly newPause: () => Pause = () => createTimeSlicer(),
  ) {
    // Parsed files only: renders and the manifests they are made from are the deployer's alone, so sharing them
    // would only cost the shared table's entries.
    this.cache = new GenerationalCache(repo.sharedReads?.parses, (key) => !isRenderCacheKey(key));
  }

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
    // Parsed in steps with pauses between them, so a big commit does not stop the service from answering meanwhile.
    const pause = this.newPause();
    // Another service of the process parsed these very files already, or a commit that changes a few resources is
    // patched onto the last snapshot; anything else is parsed in full. Taking another's counts as a patch, so this
    // reader's own full parses, which start its cache's rounds, still come.
    const last = this.last;
    const patched = this.patched >= MAX_PATCHED_READS ? undefined : (this.sharedSnapshot(files) ?? (last === undefined ? undefined : await runStepsPausing(patchSnapshotSteps(last, files, this.cache), pause)));
    // Another reader of the process parsing these very files in full right now (the services of `cascade up` start
    // together): its snapshot, once made. Looked up and offered with no wait in between, so of readers starting
    // together one parses; one that failed is this reader's to try again.
    const elsewhere = patched === undefined && this.patched < MAX_PATCHED_READS ? this.parsingElsewhere(files) : undefined;
    const parsed = elsewhere === undefined ? undefined : await elsewhere.catch(() => undefined);
    const taken = patched ?? (parsed?.files === files ? parsed : undefined);
    if (taken !== undefined) {
      this.patched++;
      return this.keep(taken);
    }
    this.patched = 0;
    this.cache.nextRound();
    const parsing = parseSnapshotAsync(files, { cache: this.cache, pause });
    this.repo.sharedReads?.snapshots.set(parsingKey(files), parsing);
    return this.keep(await parsing);
  }

  /** The full parse of `files` another reader of the process has under way, if one has. */
  private parsingElsewhere(files: RepoFiles): Promise<SnapshotWithFiles> | undefined {
    return this.repo.sharedReads?.snapshots.get(parsingKey(files)) as Promise<SnapshotWithFiles> | undefined;
  }

  /** Makes `snapshot` the last read, offered to the other readers of the process. */
  private keep(snapshot: SnapshotWithFiles): SnapshotWithFiles {
    this.last = snapshot;
    this.repo.sharedReads?.snapshots.set(snapshot.commit, snapshot);
    return snapshot;
  }

  /**
   * The snapshot another reader of the process made of `files`, while one holds it. A snapshot is made from the files
   * alone, and the same object of files (TreeReader shares them by commit and size bound) is the same content.
   */
  private sharedSnapshot(files: RepoFiles): SnapshotWithFiles | undefined {
    const shared = this.repo.sharedReads?.snapshots.get(files.commit) as SnapshotWithFiles | undefined;
    return shared?.files === files ? shared : undefined;
  }
}

/** Where a full parse of a commit's files is offered while it runs; whoever takes it checks it was made of the same files. */
function parsingKey(files: RepoFiles): string {
  return `parsing\0${files.commit}`;
}
