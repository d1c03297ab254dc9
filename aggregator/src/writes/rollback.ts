// A rollback as a pure write: restore an earlier version file and lock the resource there in the same commit.
import { addLockReason, locksPath, resourcePaths, type Resource, type SnapshotWithFiles } from '@cascade/common';
import { cascadeTrailers } from '@cascade/common/git';
import { writePlan, type WritePlan } from './plan.ts';
import { WriteRefusedError } from './errors.ts';
import { LOCKS_FILE, refuseOversizedWrite } from './file-size.ts';
import { headSnapshot, parsedHeads, requireEnvironment, requireResource, resourceFile, type HeadSnapshots } from './head-snapshot.ts';
import { readText } from './repo-paths.ts';
import type { Requester } from './requester.ts';

/** An earlier state of a version file, found in the environment's history. */
export interface RestorePoint {
  /** The commit the file is taken from. */
  commit: string;
  /** The version file's full text at that commit. */
  text: string;
  version: string;
}

/** A checked rollback request with the state to restore. */
export interface Rollback {
  env: string;
  resource: string;
  restore: RestorePoint;
  requester: Requester;
}

/** The lock reason a rollback leaves, so people see who pinned what. */
export function rollbackLockReason(rollback: Pick<Rollback, 'restore' | 'requester'>): string {
  return `rolled back to ${rollback.restore.version} by ${rollback.requester.token}`;
}

/** The resource in `env`; throws `unknown-environment` or `unknown-resource` unless `env` is an environment defining it. */
export function requireRollbackTarget(snapshot: SnapshotWithFiles, env: string, resource: string): Resource {
  return requireResource(requireEnvironment(snapshot, env), resource);
}

/**
 * Plans the rollback: the old version file back in place and the resource locked, as one commit. Decided on the
 * snapshot of the head the write is applied to (`heads`); the files' texts are read only to edit them.
 */
export function planRollback(rollback: Rollback, heads: HeadSnapshots = parsedHeads): WritePlan<{ reason: string }> {
  const { env, resource, restore } = rollback;
  const reason = rollbackLockReason(rollback);
  return writePlan((current, context) => {
    const snapshot = headSnapshot(current, context, heads);
    const defined = requireRollbackTarget(snapshot, env, resource);
    const path = resourceFile(snapshot, defined, 'version') ?? resourcePaths(env, 'version', resource)[0];
    if (!resourceFile(snapshot, defined, 'base')) {
      throw new WriteRefusedError('missing-base', 'unprocessable', `${resource} has no base in ${env} any more (${env}/base/${resource}.yaml); a rollback cannot bring it back`, { field: 'resource', file: `${env}/base/${resource}.yaml` });
    }
    const locksFile = locksPath(env);
    const locks = readText(current, locksFile);
    const nextLocks = addLockReason(locks, reason, resource);
    refuseOversizedWrite(LOCKS_FILE, locksFile, nextLocks, locks);
    const versionChanged = readText(current, path) !== restore.text;
    if (!versionChanged && nextLocks === locks) return { edit: null, outcome: { reason } };
    const changes: Record<string, string> = { [locksFile]: nextLocks };
    if (versionChanged) changes[path] = restore.text;
    return {
      outcome: { reason },
      edit: {
        changes,
        message: `Roll back ${resource} in ${env} to ${restore.version}\n\nRestored ${path} from ${restore.commit}. ${resource} stays locked in ${env} until someone unlocks it.`,
        trailers: cascadeTrailers('Rollback', { resource, env, version: restore.version, restoredFrom: restore.commit, requestedBy: rollback.requester.token }),
        author: rollback.requester.author,
      },
    };
  });
}
