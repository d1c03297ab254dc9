// Finding the version file an environment had before: by commit id, or by version among the file's recent changes.
import { parseVersionFile } from '@cascade/common';
import { runGit } from '@cascade/common/git';
import { WriteRefusedError } from './errors.ts';
import type { RestorePoint } from './rollback.ts';

/** How many earlier changes of a version file a rollback by version looks at. */
export const MAX_RESTORE_CANDIDATES = 200;

const COMMIT_ID = /^[0-9a-f]{7,40}$/;

/** Finds the state to restore: `to` as a commit on the branch, else as a version among the file's last changes. */
export async function findRestorePoint(gitDir: string, head: string, env: string, resource: string, to: string): Promise<RestorePoint> {
  const paths = [`${env}/version/${resource}.yaml`, `${env}/version/${resource}.yml`];
  if (COMMIT_ID.test(to)) {
    const commit = await resolveAncestor(gitDir, head, to);
    if (commit) {
      const [found] = await readVersionFiles(gitDir, [commit], paths);
      if (!found) throw new WriteRefusedError('no-version-file', 'not-found', `commit ${to} has no version file for ${resource} in ${env} (${paths[0]})`, { field: 'to', commit });
      return restorable(found);
    }
  }
  const log = await runGit(['log', '--first-parent', `--max-count=${MAX_RESTORE_CANDIDATES}`, '--format=%H', head, '--', ...paths], { cwd: gitDir });
  const candidates = log.stdout.toString('utf8').split('\n').filter(Boolean);
  const found = (await readVersionFiles(gitDir, candidates, paths)).find((point) => point.version === to);
  if (!found) {
    throw new WriteRefusedError('version-not-found', 'not-found', `${env} never had ${resource} at version "${to}" in the last ${MAX_RESTORE_CANDIDATES} changes of ${paths[0]}; pass a commit id instead`, { field: 'to', env, resource });
  }
  return restorable(found);
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

/** The full commit id when `id` names a commit on the branch's history, else undefined. */
async function resolveAncestor(gitDir: string, head: string, id: string): Promise<string | undefined> {
  const parsed = await runGit(['rev-parse', '--verify', '--quiet', `${id}^{commit}`], { cwd: gitDir, okExitCodes: [0, 1, 128] });
  const commit = parsed.stdout.toString('utf8').trim();
  if (parsed.exitCode !== 0 || commit === '') return undefined;
  const ancestor = await runGit(['merge-base', '--is-ancestor', commit, head], { cwd: gitDir, okExitCodes: [0, 1] });
  return ancestor.exitCode === 0 ? commit : undefined;
}

/** Reads the version file at each commit in one `cat-file --batch`; commits where it is missing or invalid are left out. */
async function readVersionFiles(gitDir: string, commits: string[], paths: string[]): Promise<Array<RestorePoint & { file: string }>> {
  if (commits.length === 0) return [];
  const requests = commits.flatMap((commit) => paths.map((path) => ({ commit, path })));
  const result = await runGit(['cat-file', '--batch'], { cwd: gitDir, input: requests.map((r) => `${r.commit}:${r.path}\n`).join('') });
  const out = result.stdout;
  const points: Array<RestorePoint & { file: string }> = [];
  let offset = 0;
  for (const request of requests) {
    const lineEnd = out.indexOf(0x0a, offset);
    const header = out.subarray(offset, lineEnd).toString('utf8');
    offset = lineEnd + 1;
    const match = /^[0-9a-f]+ blob (\d+)$/.exec(header);
    if (!match) continue;
    const size = Number(match[1]);
    const text = out.subarray(offset, offset + size).toString('utf8');
    offset += size + 1;
    const data = parseVersionFile(request.path, text).data;
    if (data) points.push({ commit: request.commit, file: request.path, text, version: data.version });
  }
  return points;
}
