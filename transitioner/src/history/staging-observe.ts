// Gathering what the staging lifecycle needs from git: when a file without a time of its own last changed, and whether the deployer's report is about the file as it is.
import type { SnapshotWithFiles } from '@cascade/common';
import type { GitRepo } from '@cascade/common/git';
import type { DeployerView } from '../core/observations.ts';
import { needsChangeTime, type StagingObservations } from '../core/staging-lifecycle.ts';

/** Reads git facts for the lifecycle: change times cached per file and blob, report checks cached per head. */
export class StagingObserver {
  /** By `<file>\0<blob>`: a file's last change cannot move while its content stays, so one `git log` per version of the file. */
  private changedAt = new Map<string, Promise<Date | undefined>>();
  private head = '';
  private changed = new Map<string, Promise<string[] | undefined>>();

  constructor(private readonly repo: Pick<GitRepo, 'changedPaths' | 'log'>) {}

  /** The observations for deciding the stagings of `snapshot`, given what the deployer said. */
  async observe(snapshot: SnapshotWithFiles, deployer: DeployerView): Promise<StagingObservations> {
    if (snapshot.commit !== this.head) {
      this.head = snapshot.commit;
      this.changed.clear();
    }
    const reported = new Map(deployer.kind === 'Reported' ? (deployer.status.stagings ?? []).map((s) => [s.name, s]) : []);
    const changedAt = new Map<string, Date>();
    const reportedAtHead = new Set<string>();
    const kept = new Set<string>();
    for (const staging of snapshot.stagings.values()) {
      if (needsChangeTime(staging, snapshot.stagingKinds.get(staging.kind))) {
        const key = `${staging.file}\0${staging.blob}`;
        kept.add(key);
        const time = await this.lastChange(key, staging.file);
        if (time) changedAt.set(staging.name, time);
      }
      const status = reported.get(staging.name);
      if (staging.state === 'cleanup' && status?.phase === 'CleanedUp' && (await this.unchangedSince(status.commit, staging.file))) reportedAtHead.add(staging.name);
    }
    // Versions of files no longer in the repo are forgotten, so the cache stays as large as the stagings that need it.
    for (const key of this.changedAt.keys()) if (!kept.has(key)) this.changedAt.delete(key);
    return { deployer, changedAt, reportedAtHead };
  }

  /** Commit time of the newest first-parent commit that changed `file`: git stops at the first match, so the cost grows with commits since then, not with the repo's age. */
  private lastChange(key: string, file: string): Promise<Date | undefined> {
    let time = this.changedAt.get(key);
    if (!time) {
      time = this.repo.log({ from: this.head, limit: 1, firstParent: true, paths: [file] }).then(([last]) => (last === undefined ? undefined : new Date(last.committedAt)));
      // A failed look-up is not remembered: the round fails and the next one asks again.
      time.catch(() => this.changedAt.delete(key));
      this.changedAt.set(key, time);
    }
    return time;
  }

  /** True when `file` is the same at `commit` as at the head; a report without a commit is taken as it is. */
  private async unchangedSince(commit: string | undefined, file: string): Promise<boolean> {
    if (commit === undefined || commit === this.head) return true;
    let paths = this.changed.get(commit);
    if (!paths) {
      // A commit we do not have (the deployer fetched later than we did) counts as "not known to match" until we fetch it.
      paths = this.repo.changedPaths(commit, this.head).catch(() => undefined);
      this.changed.set(commit, paths);
    }
    const list = await paths;
    return list !== undefined && !list.includes(file);
  }
}
