// Where a CLI command reads the resource repo from: a folder on disk as it is, or a commit of a git remote.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readWorkingTree, type RepoFiles } from '@cascade/common';
import { openRepo, runGit } from '@cascade/common/git';
import { CliError } from './errors.ts';

/** Options every repo-reading command accepts. */
export interface RepoSourceOptions {
  /** A folder, a path to a git repository, or an ssh/https URL; default: the current folder. */
  repo?: string;
  /** A branch, tag or commit; when absent a folder is read as it is on disk, uncommitted changes included. */
  ref?: string;
}

/** Reads the files of the resource repo the options point at. */
export async function loadRepoFiles(options: RepoSourceOptions, cwd = process.cwd()): Promise<RepoFiles> {
  const source = options.repo ?? '.';
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(source) || /^[^/]+@[^/]+:/.test(source);
  const path = isUrl ? source : resolve(cwd, source);
  if (!isUrl) {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isDirectory()) throw new CliError(`--repo ${source}: no such folder`, 'Pass the folder of a resource repo or a git URL.');
    if (options.ref === undefined) return readWorkingTree(path);
  }
  return readCommit(path, options.ref ?? 'HEAD');
}

/** Fetches one ref of a git remote into a temporary bare clone and reads its tree. */
async function readCommit(url: string, ref: string): Promise<RepoFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'cascade-cli-'));
  try {
    // The clone follows the remote's default branch; the ref itself (branch, tag or commit) is fetched on top.
    const repo = await openRepo({ url, branch: await defaultBranch(url, dir), dir: join(dir, 'clone') });
    try {
      await runGit(['fetch', '--quiet', '--no-tags', url, ref], { cwd: repo.dir }).catch((error: unknown) => {
        throw new CliError(`--ref ${ref}: cannot fetch it from ${url}: ${error instanceof Error ? error.message : String(error)}`, 'Check the URL and that the branch, tag or commit exists.');
      });
      const commit = (await runGit(['rev-parse', 'FETCH_HEAD'], { cwd: repo.dir })).stdout.toString('utf8').trim();
      return await repo.readFiles(commit);
    } finally {
      await repo.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The branch the remote's HEAD names (`main` when it names none). */
async function defaultBranch(url: string, cwd: string): Promise<string> {
  const result = await runGit(['ls-remote', '--symref', url, 'HEAD'], { cwd }).catch((error: unknown) => {
    throw new CliError(`--repo ${url}: cannot reach the git remote: ${error instanceof Error ? error.message : String(error)}`, 'Check the URL and your access to it.');
  });
  const match = /^ref: refs\/heads\/(\S+)\s+HEAD/m.exec(result.stdout.toString('utf8'));
  return match?.[1] ?? 'main';
}
