// Finding the version file an environment had before: by commit id, or by version among the file's recent changes.
import { parseVersionFile, resourcePaths } from '@cascade/common';
import { commitTypeOf, type CommitInfo, type GitRepo } from '@cascade/common/git';
import { WriteRefusedError } from './errors.ts';
import type { RestorePoint } from './rollback.ts';

/** How many earlier changes of a version file a rollback by version looks at. */
export const MAX_RESTORE_CANDIDATES = 200;

const COMMIT_ID = /^[0-9a-f]{7,40}$/;

/** Finds the state to restore: `to` as a commit on the branch, else as a version among the file's last changes. */
export async function findRestorePoint(repo: Pick<GitRepo, 'log' | 'resolveCommit' | 'readBlob'>, head: string, env: string, resource: string, to: string): Promise<RestorePoint> {
  const paths = resourcePaths(env, 'version', resource);
  if (COMMIT_ID.test(to)) {
    const commit = await repo.resolveCommit(to, head);
    if (commit) {
      // The file as it was at `commit` is the one its newest change up to there left behind.
      const [last] = await repo.log({ from: commit, limit: 1, firstParent: true, paths, changes: true });
      const found = last === undefined ? undefined : await versionFileOf(repo, last, paths);
      if (!found) throw new WriteRefusedError('no-version-file', 'not-found', `commit ${to} has no version file for ${resource} in ${env} (${paths[0]})`, { field: 'to', commit });
      return restorable({ ...found, commit });
    }
  }
  const ran = await versionsRan(repo, head, env, resource);
  const found = ran.find((point) => point.version === to);
  if (!found) {
    const had = ran.slice(0, 10).map((point) => point.version);
    const list = had.length === 0 ? 'no version in its history' : `it had ${had.join(', ')}${ran.length > had.length ? ', …' : ''}`;
    throw new WriteRefusedError('version-not-found', 'not-found', `${env} never had ${resource} at version "${to}" (${list}); \`cascade history --env ${env} --resource ${resource}\` lists its changes`, { field: 'to', env, resource, versions: had });
  }
  return restorable(found);
}

/** A version an environment ran, from one change of its version file: the newest commit that put it there. */
export interface RanVersion extends RestorePoint {
  file: string;
  /** Commit time of that change, ISO 8601. */
  time: string;
  author: { name: string; email: string };
  /** The commit's `Cascade-Type`: `Version`, `Transition`, `Rollback`, or `Manual` for a person's commit. */
  type: string;
}

/**
 * The versions `env` ran for `resource`, newest first, each once (its newest change), from the last
 * MAX_RESTORE_CANDIDATES changes of its version file on the branch's first-parent line: exactly what a
 * rollback by version can restore.
 */
export async function versionsRan(repo: Pick<GitRepo, 'log' | 'readBlob'>, head: string, env: string, resource: string): Promise<RanVersion[]> {
  const paths = resourcePaths(env, 'version', resource);
  const candidates = await repo.log({ from: head, limit: MAX_RESTORE_CANDIDATES, firstParent: true, paths, changes: true });
  const seen = new Set<string>();
  const ran: RanVersion[] = [];
  for (const candidate of candidates) {
    const point = await versionFileOf(repo, candidate, paths);
    if (!point || seen.has(point.version)) continue;
    seen.add(point.version);
    ran.push({ ...point, time: candidate.committedAt, author: { name: candidate.author.name, email: candidate.author.email }, type: commitTypeOf(candidate.trailers) });
  }
  return ran;
}

/** True for a line break or another control character: the version goes into a commit trailer and a lock reason, both one line. */
function breaksLine(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029) return true;
  }
  return false;
}

/**
 * Refuses a version file whose `version` Cascade could not have written: someone committed it by hand. It is
 * the repo's state, not the request, that is wrong, so this is a conflict naming the file and the commit.
 */
function restorable(found: RestorePoint & { file: string }): RestorePoint {
  if (!breaksLine(found.version)) return found;
  const message = `${found.file} at ${found.commit.slice(0, 12)} has version ${JSON.stringify(found.version.slice(0, 80))}, which is not one line; roll back to another commit, or fix the file in git`;
  throw new WriteRefusedError('invalid-version-in-repo', 'conflict', message, { field: 'to', file: found.file, commit: found.commit });
}

/** The version file a commit left behind, when it added or changed one of `paths` and the file parses. */
async function versionFileOf(repo: Pick<GitRepo, 'readBlob'>, commit: CommitInfo, paths: string[]): Promise<(RestorePoint & { file: string }) | undefined> {
  for (const change of commit.changes ?? []) {
    if (change.blob === undefined || !paths.includes(change.path)) continue;
    const content = await repo.readBlob(change.blob);
    if (content === undefined) continue;
    const text = new TextDecoder().decode(content);
    const data = parseVersionFile(change.path, text).data;
    if (data) return { commit: commit.commit, file: change.path, text, version: data.version };
  }
  return undefined;
}
