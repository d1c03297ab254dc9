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
    // Each fact may ask git (a process each): all of them at once, as a round waits for the slowest.
    const reported = deployer.kind === 'Reported' ? deployer.status.environments.filter((env) => needsClean.has(env.env) && env.commit !== undefined) : [];
    const soaking = [...needsSoak];
    const [clean, times, versionOrder] = await Promise.all([
      Promise.all(reported.map((env) => this.unchangedSince(snapshot, env.commit!, env.env))),
      Promise.all(soaking.map((env) => this.versionsChangedAt(env))),
      this.order.read(snapshot),
    ]);
    const deployedAtHead = new Set(reported.filter((_, index) => clean[index]).map((env) => env.env));
    const versionsSince = new Map<string, Date>();
    soaking.forEach((env, index) => {
      const time = times[index];
      if (time) versionsSince.set(env, time);
    });
    return { deployer, deployedAtHead, versionsSince, versionOrder };
  }

  /** True when nothing the deployer renders for `env` changed between `commit` and the head. */
  private async unchangedSince(snapshot: SnapshotWithFiles, commit: string, env: string): Promise<boolean> {
    if (commit === this.head) return true;
    let paths = this.changed.get(commit);
    if (!paths) {
      // The tree reader names the paths that changed since the commit it read before, the usual case right after a
      // push (the deployer had that one): no git process then. A commit we do not have (the deployer fetched later
      // than we did) counts as "not known to match".
      const known = snapshot.files.changes?.since === commit ? snapshot.files.changes.paths : undefined;
      paths = known !== undefined ? Promise.resolve([...known]) : this.repo.changedPaths(commit, this.head).catch(() => undefined);
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
