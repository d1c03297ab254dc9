// A rollback as a pure write: restore an earlier version file and lock the resource there in the same commit.
import { addLockReason, locksPath, resourcePaths, rollbackLockReason as lockReason, type Resource, type SnapshotWithFiles } from '@cascade/common';
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
  /** Further environments put on the same version in the same commit (downstream ones, usually), each locked too. */
  also?: Array<{ env: string; restore: RestorePoint }>;
}

/** The lock reason a rollback leaves, so people see who pinned what. */
export function rollbackLockReason(rollback: Pick<Rollback, 'restore' | 'requester'>): string {
  return lockReason(rollback.restore.version, rollback.requester.token);
}

/** The resource in `env`; throws `unknown-environment` or `unknown-resource` unless `env` is an environment defining it. */
export function requireRollbackTarget(snapshot: SnapshotWithFiles, env: string, resource: string): Resource {
  return requireResource(requireEnvironment(snapshot, env), resource);
}

/**
 * Plans the rollback: the old version file back in place and the resource locked, in every environment named, as
 * one commit. Decided on the snapshot of the head the write is applied to (`heads`); the files' texts are read only
 * to edit them.
 */
export function planRollback(rollback: Rollback, heads: HeadSnapshots = parsedHeads): WritePlan<{ reason: string }> {
  const { resource } = rollback;
  const reason = rollbackLockReason(rollback);
  const targets = [{ env: rollback.env, restore: rollback.restore }, ...(rollback.also ?? [])];
  return writePlan((current, context) => {
    const snapshot = headSnapshot(current, context, heads);
    const changes: Record<string, string> = {};
    const restored: string[] = [];
    for (const { env, restore } of targets) {
      const defined = requireRollbackTarget(snapshot, env, resource);
      const path = resourceFile(snapshot, defined, 'version') ?? resourcePaths(env, 'version', resource)[0];
      if (!resourceFile(snapshot, defined, 'base')) {
        throw new WriteRefusedError('missing-base', 'unprocessable', `${resource} has no base in ${env} any more (${env}/base/${resource}.yaml); a rollback cannot bring it back`, { field: 'resource', file: `${env}/base/${resource}.yaml` });
      }
      const locksFile = locksPath(env);
      const locks = readText(current, locksFile);
      const nextLocks = addLockReason(locks, reason, resource);
      refuseOversizedWrite(LOCKS_FILE, locksFile, nextLocks, locks);
      if (nextLocks !== locks) changes[locksFile] = nextLocks;
      if (readText(current, path) !== restore.text) {
        changes[path] = restore.text;
        restored.push(`Restored ${path} from ${restore.commit}.`);
      }
    }
    if (Object.keys(changes).length === 0) return { edit: null, outcome: { reason } };
    const envs = targets.map((t) => t.env);
    const where = envs.length === 1 ? `in ${envs[0]}` : `in ${joinWords(envs)}`;
    const trailers = cascadeTrailers('Rollback', { resource, env: rollback.env, version: rollback.restore.version, restoredFrom: rollback.restore.commit, requestedBy: rollback.requester.token });
    // One Cascade-Env trailer per environment, so the history lists the rollback under each.
    const envTrailers = envs.slice(1).map((env): [string, string] => ['Cascade-Env', env]);
    const at = trailers.findIndex(([key]) => key === 'Cascade-Env') + 1;
    return {
      outcome: { reason },
      edit: {
        changes,
        message: `Roll back ${resource} ${where} to ${rollback.restore.version}\n\n${[...restored, `${resource} stays locked ${where} until someone unlocks it.`].join(' ')}`,
        trailers: [...trailers.slice(0, at), ...envTrailers, ...trailers.slice(at)],
        author: rollback.requester.author,
      },
    };
  });
}

/** `dev`, `dev and pp`, `dev, pp and prod`. */
export function joinWords(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}
