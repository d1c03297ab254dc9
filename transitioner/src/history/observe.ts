// Gathering the observations the core needs from git: is the deployed commit's environment the head's, and since when are versions in place.
import type { SnapshotWithFiles } from '@cascade/common';
import type { GitRepo } from '@cascade/common/git';
import { rendersFor, type DeployerView, type Observations } from '../core/observations.ts';
import { VersionOrderReader } from './version-order.ts';

/** Reads git facts for the core, caching them per head so a poll without news costs no git call. */
export class RepoObserver {
  private head = '';
  private changed = new Map<string, Promise<string[] | undefined>>();
  private since = new Map<string, Promise<Date | undefined>>();
  private readonly order: VersionOrderReader;

  constructor(private readonly repo: Pick<GitRepo, 'changedPaths' | 'log' | 'readBlob'>) {
    this.order = new VersionOrderReader(repo);
  }

  /** The observations for deciding on `snapshot`, given what the deployer said. */
  async observe(snapshot: SnapshotWithFiles, deployer: DeployerView): Promise<Observations> {
    if (snapshot.commit !== this.head) {
      this.head = snapshot.commit;
      this.changed.clear();
      this.since.clear();
    }
    const needsClean = new Set(snapshot.transitions.filter((t) => t.preconditions.some((p) => p.kind === 'SourceClean')).map((t) => t.source));
    const needsSoak = new Set(snapshot.transitions.filter((t) => t.preconditions.some((p) => p.kind === 'SoakTime')).map((t) => t.source));
    const deployedAtHead = new Set<string>();
    if (deployer.kind === 'Reported') {
      for (const env of deployer.status.environments) {
        if (needsClean.has(env.env) && env.commit !== undefined && (await this.unchangedSince(env.commit, env.env))) deployedAtHead.add(env.env);
      }
    }
    const versionsSince = new Map<string, Date>();
    for (const env of needsSoak) {
      const time = await this.versionsChangedAt(env);
      if (time) versionsSince.set(env, time);
    }
    const versionOrder = await this.order.read(snapshot);
    return { deployer, deployedAtHead, versionsSince, versionOrder };
  }

  /** True when nothing the deployer renders for `env` changed between `commit` and the head. */
  private async unchangedSince(commit: string, env: string): Promise<boolean> {
    if (commit === this.head) return true;
    let paths = this.changed.get(commit);
    if (!paths) {
      // A commit we do not have (the deployer fetched later than we did) counts as "not known to match".
      paths = this.repo.changedPaths(commit, this.head).catch(() => undefined);
      this.changed.set(commit, paths);
    }
    const list = await paths;
    return list !== undefined && !list.some((path) => rendersFor(env, path));
  }

  /**
   * Commit time of the newest first-parent commit that changed `<env>/version/`: when the versions landed on
   * the branch. git stops at the first match, so the cost grows with commits since then, not with the repo's age.
   */
  private versionsChangedAt(env: string): Promise<Date | undefined> {
    let time = this.since.get(env);
    if (!time) {
      time = this.repo.log({ from: this.head, limit: 1, firstParent: true, paths: [`${env}/version`] }).then(([last]) => (last === undefined ? undefined : new Date(last.committedAt)));
      this.since.set(env, time);
    }
    return time;
  }
}
