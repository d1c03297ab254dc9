// Where a CLI command reads the resource repo from: a folder on disk as it is, or a commit of a git repository.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readWorkingTree, type RepoFiles } from '@cascade/common';
import { openRepo, readRemoteHead } from '@cascade/common/git';
import { CliError } from './errors.ts';

/** Options every repo-reading command accepts. */
export interface RepoSourceOptions {
  /** A folder, a path to a git repository, or an ssh/https URL; default: the current folder. */
  repo?: string;
  /**
   * A branch, tag or commit. When absent, a working tree is read as it is on disk (uncommitted changes included),
   * and a git directory (a bare repository, a `.git` folder) or a URL at the branch its HEAD names.
   */
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
    // A git directory's own files (objects/, refs/) are not the resource repo; its commits are.
    if (options.ref === undefined && !(await isGitDirectory(path))) return readWorkingTree(path);
  }
  return readCommit(path, options.ref);
}

/** True for a git directory (a bare repository, or the `.git` folder of a checkout), by git's own test: HEAD, objects/ and refs/. */
async function isGitDirectory(path: string): Promise<boolean> {
  const [head, objects, refs] = await Promise.all(['HEAD', 'objects', 'refs'].map((name) => stat(join(path, name)).catch(() => undefined)));
  return head?.isFile() === true && objects?.isDirectory() === true && refs?.isDirectory() === true;
}

/** Fetches one ref (default: the remote's HEAD) of a git repository into a temporary bare clone and reads its tree. */
async function readCommit(url: string, ref: string | undefined): Promise<RepoFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'cascade-cli-'));
  try {
    const head = await remoteHead(url, dir);
    if (ref === undefined && !head.hasCommit) {
      throw new CliError(
        `--repo ${url}: the repository has no commit to read (it is empty, or its HEAD names a branch that does not exist)`,
        'Push a first commit to it, or name an existing branch, tag or commit with --ref.',
        'repo-empty',
      );
    }
    // The clone follows the remote's default branch; the ref itself (branch, tag or commit) is fetched on top.
    const repo = await openRepo({ url, branch: head.branch, dir: join(dir, 'clone') });
    try {
      const commit = await repo.fetchRef(ref ?? 'HEAD').catch((error: unknown) => {
        throw new CliError(`${ref === undefined ? 'HEAD' : `--ref ${ref}`}: cannot fetch it from ${url}: ${error instanceof Error ? error.message : String(error)}`, 'Check the URL and that the branch, tag or commit exists.');
      });
      return await repo.readFiles(commit);
    } finally {
      await repo.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The branch the remote's HEAD names (`main` when it names none), and whether HEAD points at a commit at all. */
async function remoteHead(url: string, cwd: string): Promise<{ branch: string; hasCommit: boolean }> {
  const head = await readRemoteHead(url, cwd).catch((error: unknown) => {
    throw new CliError(`--repo ${url}: cannot reach the git remote: ${error instanceof Error ? error.message : String(error)}`, 'Check the URL and your access to it.');
  });
  return { branch: head.branch ?? 'main', hasCommit: head.hasCommit };
}
