// Finding the changelogs a promotion carries: walk the source file's own history back to the content the target has.
import { runGit } from '@cascade/common/git';
import { changelogInCommit, type Changelogs } from '../core/commit-message.ts';
import type { PlannedResource } from '../core/copy-plan.ts';

/** Most commits looked at per promoted file; a target far behind gets the newest changelogs only. */
const MAX_CHANGELOG_COMMITS = 20;

const RECORD = '\x1e';
const FIELD = '\x1f';
const END_OF_MESSAGE = '\x1d';
const RAW_LINE = /^:\d{6} \d{6} [0-9a-f]{40,64} ([0-9a-f]{40,64}) ([A-Z])\d*\t/;

/**
 * The changelog per promoted resource: the commits (on the branch's first-parent line, newest first) that
 * changed the source file, back to the one that brought the content the target has now. One bounded
 * `git log` per file, so the cost grows with what is promoted, not with the repo's age.
 */
export async function collectChangelogs(gitDir: string, head: string, resources: readonly PlannedResource[]): Promise<Changelogs> {
  const changelogs = new Map<string, string>();
  for (const resource of resources) {
    if (!resource.sourcePath) continue;
    const text = await changelogOf(gitDir, head, resource);
    if (text) changelogs.set(resource.name, text);
  }
  return changelogs;
}

async function changelogOf(gitDir: string, head: string, resource: PlannedResource): Promise<string | undefined> {
  const format = `${RECORD}%H${FIELD}%B${END_OF_MESSAGE}`;
  const args = ['log', '--first-parent', `--max-count=${MAX_CHANGELOG_COMMITS}`, '--no-abbrev', '--raw', '--no-renames', `--format=${format}`, head, '--', resource.sourcePath ?? ''];
  const output = (await runGit(args, { cwd: gitDir })).stdout.toString('utf8');
  const entries: string[] = [];
  for (const record of output.split(RECORD).slice(1)) {
    const [message = '', raw = ''] = record.slice(record.indexOf(FIELD) + 1).split(END_OF_MESSAGE);
    const change = raw.split('\n').map((line) => RAW_LINE.exec(line)).find((match) => match !== null);
    // The commit that brought what the target already has: everything before it was carried by an earlier promotion.
    if (change && resource.targetOid !== undefined && change[1] === resource.targetOid) break;
    const entry = changelogInCommit(message, resource.name);
    if (entry && !entries.includes(entry)) entries.push(entry);
    if (change?.[2] === 'A') break;
  }
  return entries.length > 0 ? entries.join('\n') : undefined;
}
