// Reading the branch's own line (first parents) with each commit's changed paths, in one bounded `git log`.
import type { CommitInfo } from '@cascade/common/git';
import { parseCommitMessage, runGit } from '@cascade/common/git';

/** A commit with the paths it changed against its first parent. */
export interface LoggedCommit {
  info: CommitInfo;
  paths: string[];
}

const RECORD = '\x1e';
const FIELD = '\x1f';

/** Up to `limit` first-parent commits from `from` (inclusive), newest first, stopping before `stopAt` when given. */
export async function readFirstParentLog(gitDir: string, from: string, limit: number, stopAt?: string): Promise<LoggedCommit[]> {
  if (limit <= 0) return [];
  const format = `${RECORD}%H${FIELD}%P${FIELD}%an${FIELD}%ae${FIELD}%aI${FIELD}%B${FIELD}`;
  const args = ['log', '-z', '--first-parent', '--diff-merges=first-parent', '--no-renames', '--name-only', `--max-count=${Math.floor(limit)}`, `--format=${format}`, from];
  if (stopAt) args.push(`^${stopAt}`);
  const result = await runGit([...args, '--'], { cwd: gitDir });
  return parseLog(result.stdout.toString('utf8'));
}

/** Parses the records `readFirstParentLog` asks git for. */
export function parseLog(output: string): LoggedCommit[] {
  return output
    .split(RECORD)
    .filter((record) => record.includes(FIELD))
    .map((record) => {
      const [commit = '', parents = '', name = '', email = '', time = '', message = '', files = ''] = record.split(FIELD);
      const { subject, body, trailers } = parseCommitMessage(message);
      const paths = files.split('\0').map((p) => p.replace(/^\n/, '')).filter((p) => p !== '');
      return { info: { commit, parents: parents.split(' ').filter(Boolean), author: { name, email }, time, subject, body, trailers }, paths };
    });
}
