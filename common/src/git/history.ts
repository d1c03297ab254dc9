// History for the history view, changelogs, rollbacks and incremental re-reads: bounded `git log` pages and
// `diff-tree` path lists. The only place that runs and parses `git log`.
import { parseCommitMessage } from './commit-message.ts';
import { checkCommitId } from './errors.ts';
import { runGit } from './run-git.ts';
import type { CommitInfo, LogOptions, PathChange } from './types.ts';

const RECORD = '\x1e';
const FIELD = '\x1f';
const FORMAT = `${RECORD}${['%H', '%P', '%an', '%ae', '%aI', '%cI', '%B'].join('%x1f')}${FIELD}`;
// `--raw -z` prints `:<modes> <old> <new> <status>` then NUL then the path then NUL, per changed file.
const RAW_HEADER = /^:\d{6} \d{6} [0-9a-f]{40,64} ([0-9a-f]{40,64}) ([A-Z])\d*$/;

/** One page of history, newest first, with trailers parsed and, when asked, each commit's changed files. */
export async function readLog(gitDir: string, from: string, options: LogOptions): Promise<CommitInfo[]> {
  const limit = Math.max(0, Math.floor(options.limit));
  if (limit === 0) return [];
  const args = ['log', '-z', '--no-renames', `--max-count=${limit}`, `--format=${FORMAT}`];
  // A merge's changes are those against its first parent: what the merge brought to the branch's own line.
  if (options.firstParent) args.push('--first-parent', '--diff-merges=first-parent');
  if (options.changes) args.push('--raw', '--no-abbrev');
  args.push(checkCommitId(from));
  if (options.stopAt !== undefined) args.push(`^${checkCommitId(options.stopAt)}`);
  const result = await runGit([...args, '--', ...(options.paths ?? [])], { cwd: gitDir });
  return parseLog(result.stdout.toString('utf8'), options.changes === true);
}

/**
 * Parses the records `readLog` asks git for. Every field is a slice of `output`, and V8 keeps a slice's whole parent
 * alive: one commit id kept from a long log kept the log's text (10 MB at 80,000 commits). The records are copied
 * once (structuredClone makes strings of their own), so what a caller keeps costs what it is.
 */
function parseLog(output: string, withChanges: boolean): CommitInfo[] {
  return structuredClone(parseLogFields(output, withChanges));
}

function parseLogFields(output: string, withChanges: boolean): CommitInfo[] {
  return output
    .split(RECORD)
    .filter((record) => record.includes(FIELD))
    .map((record) => {
      const [commit = '', parents = '', name = '', email = '', time = '', committedAt = '', ...rest] = record.split(FIELD);
      // The message is everything up to the last field mark; the raw change list follows it.
      const message = rest.slice(0, -1).join(FIELD);
      const { subject, body, trailers } = parseCommitMessage(message);
      const info: CommitInfo = { commit, parents: parents.split(' ').filter(Boolean), author: { name, email }, time, committedAt, subject, body, trailers };
      return withChanges ? { ...info, changes: parseRaw(rest.at(-1) ?? '') } : info;
    });
}

/** The changed files of one commit from its `--raw -z` block. */
function parseRaw(block: string): PathChange[] {
  const parts = block.split('\0').map((part) => part.replace(/^\n/, ''));
  const changes: PathChange[] = [];
  for (let i = 0; i < parts.length - 1; i++) {
    const header = RAW_HEADER.exec(parts[i] ?? '');
    if (!header) continue;
    const path = parts[++i] ?? '';
    const status = header[2] as string;
    changes.push({ path, status: status === 'A' || status === 'D' ? status : 'M', ...(status === 'D' ? {} : { blob: header[1] as string }) });
  }
  return changes;
}

/** Paths whose entry differs between two commits (added, changed or deleted), recursing into folders. */
export async function readChangedPaths(gitDir: string, from: string, to: string): Promise<string[]> {
  const result = await runGit(['diff-tree', '-r', '-z', '--no-renames', '--name-only', checkCommitId(from), checkCommitId(to)], { cwd: gitDir });
  return result.stdout
    .toString('utf8')
    .split('\0')
    .filter((path) => path !== '');
}

/** The full id of `id` when it names a commit reachable from `head`, else undefined. */
export async function resolveCommitOnBranch(gitDir: string, head: string, id: string): Promise<string | undefined> {
  const parsed = await runGit(['rev-parse', '--verify', '--quiet', `${checkCommitId(id)}^{commit}`], { cwd: gitDir, okExitCodes: [0, 1, 128] });
  const commit = parsed.stdout.toString('utf8').trim();
  if (parsed.exitCode !== 0 || commit === '') return undefined;
  const ancestor = await runGit(['merge-base', '--is-ancestor', commit, checkCommitId(head)], { cwd: gitDir, okExitCodes: [0, 1] });
  return ancestor.exitCode === 0 ? commit : undefined;
}
