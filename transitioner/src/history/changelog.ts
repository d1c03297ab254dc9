// Finding the changelogs a promotion carries: walk the source file's own history back to the content the target has.
import type { GitRepo } from '@cascade/common/git';
import { changelogInCommit, type Changelogs } from '../core/commit-message.ts';
import type { PlannedResource } from '../core/copy-plan.ts';

/** Most commits looked at per promoted file; a target far behind gets the newest changelogs only. */
const MAX_CHANGELOG_COMMITS = 20;

/**
 * The changelog per promoted resource: the commits (on the branch's first-parent line, newest first) that
 * changed the source file, back to the one that brought the content the target has now. One bounded
 * `git log` per file, so the cost grows with what is promoted, not with the repo's age.
 */
export async function collectChangelogs(repo: Pick<GitRepo, 'log'>, head: string, resources: readonly PlannedResource[]): Promise<Changelogs> {
  const changelogs = new Map<string, string>();
  for (const resource of resources) {
    if (!resource.sourcePath) continue;
    const text = await changelogOf(repo, head, resource);
    if (text) changelogs.set(resource.name, text);
  }
  return changelogs;
}

async function changelogOf(repo: Pick<GitRepo, 'log'>, head: string, resource: PlannedResource): Promise<string | undefined> {
  const commits = await repo.log({ from: head, limit: MAX_CHANGELOG_COMMITS, firstParent: true, paths: [resource.sourcePath ?? ''], changes: true });
  const entries: string[] = [];
  for (const commit of commits) {
    const change = commit.changes?.find((c) => c.path === resource.sourcePath) ?? commit.changes?.[0];
    // The commit that brought what the target already has: everything before it was carried by an earlier promotion.
    if (change?.blob !== undefined && resource.targetOid !== undefined && change.blob === resource.targetOid) break;
    const entry = changelogInCommit(commit, resource.name);
    if (entry && !entries.includes(entry)) entries.push(entry);
    if (change?.status === 'A') break;
  }
  return entries.length > 0 ? entries.join('\n') : undefined;
}
