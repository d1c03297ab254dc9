// Who locked what and when. locks.yaml holds only the reasons, so each reason's origin is the commit that first put
// it into the file (after any commit that took it out): a Cascade lock, a rollback or a person's edit alike. An
// environment's file is looked up again only when its blob changes, with a bounded log of that one path.
import type { LockOriginView } from '@cascade/common/api';
import type { Locks, SnapshotWithFiles } from '@cascade/common';
import { locksPath, parseLocksFile, resourceLockReasons } from '@cascade/common';
import type { GitRepo } from '@cascade/common/git';

/** Most commits of one locks.yaml examined per lookup: older reasons show without an origin. */
const DEFAULT_SCAN_LIMIT = 200;

const decoder = new TextDecoder();

/** The origin of one reason, keyed by `lockKey`. */
type Origin = Omit<LockOriginView, 'reason'>;

/** Origins of the lock reasons of every environment; fed with each new snapshot. */
export class LockOrigins {
  private readonly byEnv = new Map<string, { oid: string; origins: Map<string, Origin> }>();
  private revisions = 0;

  constructor(
    private readonly repo: Pick<GitRepo, 'log' | 'readBlob'>,
    private readonly scanLimit = DEFAULT_SCAN_LIMIT,
  ) {}

  /** Looks up the environments whose locks.yaml changed since the last snapshot. */
  async update(snapshot: SnapshotWithFiles): Promise<void> {
    for (const env of this.byEnv.keys()) if (!snapshot.environments.has(env)) this.byEnv.delete(env);
    for (const env of snapshot.environments.keys()) {
      const path = locksPath(env);
      const file = snapshot.files.files.get(path);
      if (file === undefined) {
        if (this.byEnv.delete(env)) this.revisions += 1;
        continue;
      }
      if (this.byEnv.get(env)?.oid === file.oid) continue;
      this.byEnv.set(env, { oid: file.oid, origins: await this.lookUp(snapshot.commit, path) });
      this.revisions += 1;
    }
  }

  /** Who added each of `locks`' reasons for the environment (`resource` undefined) or one resource, in reason order. */
  of(env: string, locks: Locks, resource?: string): LockOriginView[] {
    const origins = this.byEnv.get(env)?.origins;
    if (origins === undefined) return [];
    const reasons = resource === undefined ? locks.envReasons : resourceLockReasons(locks, resource);
    return reasons.flatMap((reason) => {
      const origin = origins.get(lockKey(resource, reason));
      return origin ? [{ reason, ...origin }] : [];
    });
  }

  /** A token that changes whenever any origin may have. */
  revision(): number {
    return this.revisions;
  }

  /** Oldest first: a reason's origin is the commit whose file holds it while the one before did not. */
  private async lookUp(head: string, path: string): Promise<Map<string, Origin>> {
    const commits = (await this.repo.log({ from: head, limit: this.scanLimit, firstParent: true, paths: [path], changes: true })).reverse();
    // When the log was cut short, what the oldest commit shows may be older than it: that state has no origin.
    const complete = commits.length < this.scanLimit;
    const origins = new Map<string, Origin>();
    let before = new Set<string>();
    for (const [index, commit] of commits.entries()) {
      const change = commit.changes?.find((candidate) => candidate.path === path);
      if (change === undefined) continue;
      const bytes = change.blob === undefined ? undefined : await this.repo.readBlob(change.blob);
      const now = bytes === undefined ? new Set<string>() : keysOf(parseLocksFile(path, decoder.decode(bytes)).locks);
      for (const key of origins.keys()) if (!now.has(key)) origins.delete(key);
      if (complete || index > 0) {
        for (const key of now) if (!before.has(key)) origins.set(key, { by: commit.author.name, at: commit.time, commit: commit.commit });
      }
      before = now;
    }
    return origins;
  }
}

/** Every reason of a locks file as a key: the environment's own, and each resource's. */
function keysOf(locks: Locks): Set<string> {
  const keys = new Set(locks.envReasons.map((reason) => lockKey(undefined, reason)));
  for (const [resource, reasons] of Object.entries(locks.resourceReasons)) for (const reason of reasons) keys.add(lockKey(resource, reason));
  return keys;
}

/** One reason of the environment lock or of a resource's lock; a NUL cannot occur in a resource name. */
function lockKey(resource: string | undefined, reason: string): string {
  return `${resource ?? ''}\0${reason}`;
}
