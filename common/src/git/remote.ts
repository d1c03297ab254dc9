// The bare cache clone and its one remote: create or reuse it, fetch the branch, push a commit without ever forcing.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GitCacheDirMismatchError, GitCommandError, InvalidGitNameError, checkBranchName, redactCredentials } from './errors.ts';
import { commandError, runGit } from './run-git.ts';

/** The local bare clone and the remote branch it follows. */
export interface RemoteBranch {
  gitDir: string;
  url: string;
  branch: string;
}

/** What a push attempt came to: on the remote, or refused because the remote moved (or a hook said no). */
export type PushOutcome = { kind: 'pushed' } | { kind: 'rejected'; reason: string };

/** A full object id, SHA-1 or SHA-256. */
const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** The remote-tracking ref `fetch` updates, e.g. `refs/remotes/origin/main`. */
function trackingRef(remote: RemoteBranch): string {
  return `refs/remotes/origin/${remote.branch}`;
}

/** Creates the bare cache clone, or checks that an existing one follows the same remote. */
export async function prepareCacheDir(remote: RemoteBranch): Promise<void> {
  const fresh = !existsSync(remote.gitDir) || readdirSync(remote.gitDir).length === 0;
  if (fresh) {
    mkdirSync(remote.gitDir, { recursive: true });
    await runGit(['init', '--bare', '--quiet', '.'], { cwd: remote.gitDir });
    await runGit(['config', 'remote.origin.url', remote.url], { cwd: remote.gitDir });
  } else {
    const configured = await runGit(['config', '--get', 'remote.origin.url'], { cwd: remote.gitDir, okExitCodes: [0, 1] });
    const actualUrl = configured.stdout.toString('utf8').trim();
    if (actualUrl !== remote.url) {
      throw new GitCacheDirMismatchError({ dir: remote.gitDir, expectedUrl: redactCredentials(remote.url), actualUrl: redactCredentials(actualUrl) });
    }
  }
  // Only the one branch is followed; a forced update of the remote (someone else's force-push) is followed, never made.
  await runGit(['config', 'remote.origin.fetch', `+refs/heads/${remote.branch}:${trackingRef(remote)}`], { cwd: remote.gitDir });
}

/** Fetches the branch and returns its head, or null when the remote has no such branch yet. */
export async function fetchBranch(remote: RemoteBranch): Promise<string | null> {
  try {
    // Without the housekeeping git starts after every fetch (a process of its own, every poll): runAutoMaintenance
    // does it now and then instead.
    await runGit(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--no-auto-maintenance', 'origin'], { cwd: remote.gitDir });
  } catch (error) {
    if (!(error instanceof GitCommandError) || !/couldn't find remote ref/i.test(error.data.stderr)) throw error;
    await runGit(['update-ref', '-d', trackingRef(remote)], { cwd: remote.gitDir });
    return null;
  }
  return readTrackingHead(remote);
}

/** git's own housekeeping of the cache clone (packing loose objects when there are many), which fetch no longer starts. */
export async function runAutoMaintenance(remote: RemoteBranch): Promise<void> {
  await runGit(['maintenance', 'run', '--auto', '--quiet'], { cwd: remote.gitDir });
}

/** The head the last fetch or push saw, without asking the remote. */
export async function readTrackingHead(remote: RemoteBranch): Promise<string | null> {
  // Fetch writes the ref as a loose file; reading it saves starting git after every fetch (the cost of a process
  // start grows with the service's memory). Packed or odd refs go through git.
  const loose = await readFile(join(remote.gitDir, trackingRef(remote)), 'utf8').catch(() => undefined);
  if (loose !== undefined && OBJECT_ID.test(loose.trim())) return loose.trim();
  const result = await runGit(['rev-parse', '--verify', '--quiet', `${trackingRef(remote)}^{commit}`], { cwd: remote.gitDir, okExitCodes: [0, 1] });
  const oid = result.stdout.toString('utf8').trim();
  return oid === '' ? null : oid;
}

/** The branch's head on the remote, fetching nothing (null: no such branch): one round trip to learn whether the cache clone is current. */
export async function readRemoteBranchHead(remote: RemoteBranch): Promise<string | null> {
  const ref = `refs/heads/${remote.branch}`;
  const output = (await runGit(['ls-remote', 'origin', ref], { cwd: remote.gitDir })).stdout.toString('utf8');
  // ls-remote matches patterns by their tail (`x/refs/heads/main` too); only the exact ref counts.
  const line = output.split('\n').find((entry) => entry.endsWith(`\t${ref}`));
  return line === undefined ? null : (line.split('\t')[0] ?? null);
}

/** Pushes a commit to the branch as a fast-forward only; a refusal is an outcome, anything else an error. */
export async function pushCommit(remote: RemoteBranch, commit: string): Promise<PushOutcome> {
  const args = ['push', '--porcelain', '--no-verify', 'origin', `${commit}:refs/heads/${remote.branch}`];
  const result = await runGit(args, { cwd: remote.gitDir, okExitCodes: [0, 1] });
  if (result.exitCode === 0) return { kind: 'pushed' };
  const output = result.stdout.toString('utf8');
  const refused = output.split('\n').find((line) => line.startsWith('!'));
  if (!refused) throw commandError(args, result.exitCode, result.stderr, false);
  return { kind: 'rejected', reason: refused.split('\t').slice(2).join(' ').trim() || 'rejected' };
}

/** Fetches any ref of the remote (a branch, tag or commit id) without moving the followed branch; returns its commit. */
export async function fetchRef(remote: RemoteBranch, ref: string): Promise<string> {
  // A ref starting with `-` would reach git as an option (`--upload-pack=…`).
  if (ref === '' || ref.startsWith('-') || /[\s\0]/.test(ref)) throw new InvalidGitNameError({ field: 'ref', value: ref });
  await runGit(['fetch', '--quiet', '--no-tags', 'origin', ref], { cwd: remote.gitDir });
  return (await runGit(['rev-parse', 'FETCH_HEAD'], { cwd: remote.gitDir })).stdout.toString('utf8').trim();
}

/** The branch a remote's HEAD names (undefined when it names none), and whether HEAD points at a commit at all. */
export async function readRemoteHead(url: string, cwd: string): Promise<{ branch: string | undefined; hasCommit: boolean }> {
  const output = (await runGit(['ls-remote', '--symref', '--', url, 'HEAD'], { cwd })).stdout.toString('utf8');
  const match = /^ref: refs\/heads\/(\S+)\s+HEAD/m.exec(output);
  // An empty repository, or a HEAD naming a branch that does not exist, lists no commit for HEAD.
  return { branch: match?.[1], hasCommit: /^[0-9a-f]{40,64}\s+HEAD$/m.test(output) };
}

/** Creates an empty bare repository at `path` whose HEAD names `branch`: a new resource repo to open and write to. */
export async function initBareRepo(path: string, branch: string): Promise<void> {
  mkdirSync(path, { recursive: true });
  await runGit(['init', '--quiet', '--bare', `--initial-branch=${checkBranchName(branch)}`, '.'], { cwd: path });
}
