// History for the history view and for incremental re-reads: bounded `git log` pages and `diff-tree` path lists.
import { parseCommitMessage } from './commit-message.ts';
import { checkCommitId } from './errors.ts';
import { runGit } from './run-git.ts';
import type { CommitInfo, LogOptions } from './types.ts';

const FIELD = '\x1f';

/** One page of history, newest first, with trailers parsed. */
export async function readLog(gitDir: string, from: string, options: LogOptions): Promise<CommitInfo[]> {
  const limit = Math.max(0, Math.floor(options.limit));
  if (limit === 0) return [];
  const format = ['%H', '%P', '%an', '%ae', '%aI', '%B'].join('%x1f');
  const args = ['log', '-z', `--max-count=${limit}`, `--format=${format}`];
  if (options.firstParent) args.push('--first-parent');
  args.push(checkCommitId(from), '--', ...(options.paths ?? []));
  const result = await runGit(args, { cwd: gitDir });
  return result.stdout
    .toString('utf8')
    .split('\0')
    .filter((record) => record !== '')
    .map((record) => {
      const [commit = '', parents = '', name = '', email = '', time = '', ...rest] = record.split(FIELD);
      const { subject, body, trailers } = parseCommitMessage(rest.join(FIELD));
      return { commit, parents: parents.split(' ').filter(Boolean), author: { name, email }, time, subject, body, trailers };
    });
}

/** Paths whose entry differs between two commits (added, changed or deleted), recursing into folders. */
export async function readChangedPaths(gitDir: string, from: string, to: string): Promise<string[]> {
  const result = await runGit(['diff-tree', '-r', '-z', '--no-renames', '--name-only', checkCommitId(from), checkCommitId(to)], { cwd: gitDir });
  return result.stdout
    .toString('utf8')
    .split('\0')
    .filter((path) => path !== '');
}
