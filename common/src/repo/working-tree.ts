// Reading a folder on disk (a checkout, or a repo not yet committed) as if it were a commit.
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { MAX_FILE_BYTES, blobId, type RepoFile, type RepoFiles } from './files.ts';

/** Folders never read: git's own data and dependency trees. */
const SKIPPED_DIRS = new Set(['.git', 'node_modules']);

/** Reads every file below `dir` into a RepoFiles view; symlinks are listed (and later refused), never followed. */
export async function readWorkingTree(dir: string, label = 'working-tree'): Promise<RepoFiles> {
  const files = new Map<string, RepoFile>();
  await walk(dir, dir, files);
  return { commit: label, files };
}

/** Depth-first walk that records files with their kind, size and (bounded) content. */
async function walk(root: string, dir: string, files: Map<string, RepoFile>): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    const full = join(dir, entry.name);
    const path = relative(root, full).split(sep).join('/');
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) await walk(root, full, files);
      continue;
    }
    const stat = await lstat(full);
    if (stat.isSymbolicLink()) {
      files.set(path, { path, kind: 'symlink', oid: `symlink:${path}`, size: stat.size });
    } else if (stat.isFile()) {
      const executable = (stat.mode & 0o111) !== 0;
      const content = stat.size <= MAX_FILE_BYTES ? new Uint8Array(await readFile(full)) : undefined;
      files.set(path, { path, kind: executable ? 'executable' : 'file', oid: content ? blobId(content) : `large:${path}`, size: stat.size, ...(content ? { content } : {}) });
    }
  }
}
