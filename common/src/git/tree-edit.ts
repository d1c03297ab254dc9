// Pure part of a write: checks an edit at the edge and applies it to an in-memory tree, so a chain of writes needs no git until it is committed.
import { blobId, type RepoFile, type RepoFiles } from '../repo/files.ts';
import { InvalidEditPathError } from './errors.ts';
import { LayeredMap } from '../repo/layered-map.ts';
import type { FileChanges } from './types.ts';

/** One change fast-import must make; paths are already validated. */
export type TreeOperation =
  | { op: 'modify'; path: string; mode: '100644' | '100755'; content: Uint8Array; oid?: string }
  | { op: 'delete'; path: string };

/** The tree after an edit, and the operations that lead there (empty when the edit changed nothing). */
export interface AppliedEdit {
  files: Map<string, RepoFile>;
  operations: TreeOperation[];
  /** Every path whose entry the edit added, replaced or removed (the files below a deleted folder one by one). */
  paths: string[];
}

/** Refuses a path Cascade must never write, with the reason; returns the path unchanged otherwise. */
export function checkEditPath(path: string): string {
  const refuse = (reason: string): never => {
    throw new InvalidEditPathError({ path, reason });
  };
  if (path === '') refuse('the path is empty');
  if (path.includes('\0')) refuse('it contains a NUL byte');
  if (/[\n\r]/.test(path)) refuse('it contains a line break');
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path)) refuse('it is absolute');
  if (path.includes('\\')) refuse('it contains a backslash');
  for (const segment of path.split('/')) {
    if (segment === '') refuse('it has an empty segment (leading, trailing or double slash)');
    if (segment === '..' || segment === '.') refuse(`it contains a "${segment}" segment`);
    if (segment.toLowerCase() === '.git') refuse('it writes inside .git');
  }
  return path;
}

/**
 * Applies file changes to a tree in memory. Writing the same bytes again or deleting a missing path
 * is no operation, so an edit that changes nothing yields none and makes no commit. Writing a file
 * where a directory was (or below a file) replaces it, as git does.
 */
export function applyChanges(current: RepoFiles, changes: FileChanges): AppliedEdit {
  // Laid over the current files rather than a copy of every path: the edit changes only its own entries.
  const files = LayeredMap.next(current.files, new Map());
  const { operations, paths } = applyChangesInPlace(files, changes);
  return { files, operations, paths };
}

/** What an in-place edit did: the operations, and whether a path appeared or disappeared (not only new content). */
export interface InPlaceEdit {
  operations: TreeOperation[];
  pathsChanged: boolean;
  /** Every path whose entry the edit added, replaced or removed (the files below a deleted folder one by one). */
  paths: string[];
}

/**
 * applyChanges on a map the caller owns, without copying it: a chain of writes then costs what each write changes,
 * not the size of the tree. Every path is checked before the first change, so a refused edit leaves `files` as it was.
 * Replacing or deleting an existing file touches only that entry; only a new path or a folder looks at the others.
 */
export function applyChangesInPlace(files: Map<string, RepoFile>, changes: FileChanges): InPlaceEdit {
  const encoder = new TextEncoder();
  const checked = Object.entries(changes).map(([path, value]) => {
    checkEditPath(path);
    if (value === null) return { path, content: null };
    const content = typeof value === 'string' ? encoder.encode(value) : value;
    return { path, content, oid: blobId(content) };
  });
  const operations: TreeOperation[] = [];
  const paths: string[] = [];
  let pathsChanged = false;
  for (const change of checked) {
    const { path } = change;
    const existing = files.get(path);
    // A file is a leaf: nothing lies below it and no file lies above it, so there is nothing else to remove.
    const leaf = existing !== undefined;
    if (change.content === null) {
      if (leaf ? removeLeaf(files, path, paths) : removeUnder(files, path, paths)) {
        operations.push({ op: 'delete', path });
        pathsChanged = true;
      }
      continue;
    }
    const { content, oid } = change;
    if (existing && existing.oid === oid && (existing.kind === 'file' || existing.kind === 'executable')) continue;
    const mode = existing?.kind === 'executable' ? '100755' : '100644';
    if (!leaf) {
      removeUnder(files, path, paths);
      removeAncestorFiles(files, path, paths);
      pathsChanged = true;
    }
    files.set(path, { path, kind: mode === '100755' ? 'executable' : 'file', oid, size: content.byteLength, content });
    paths.push(path);
    operations.push({ op: 'modify', path, mode, content, oid });
  }
  return { operations, pathsChanged, paths };
}

/** Deletes the file at `path`, adding it to `removed`. */
function removeLeaf(files: Map<string, RepoFile>, path: string, removed: string[]): true {
  files.delete(path);
  removed.push(path);
  return true;
}

/** Deletes the entry at `path` and everything below it, adding what it deleted to `removed`; says whether anything was there. */
function removeUnder(files: Map<string, RepoFile>, path: string, removed: string[]): boolean {
  const before = removed.length;
  if (files.delete(path)) removed.push(path);
  const prefix = `${path}/`;
  for (const key of files.keys()) {
    if (key.startsWith(prefix)) {
      files.delete(key);
      removed.push(key);
    }
  }
  return removed.length > before;
}

/** A file cannot also be a directory: writing `a/b/c` removes a file at `a` or `a/b`. */
function removeAncestorFiles(files: Map<string, RepoFile>, path: string, removed: string[]): void {
  const segments = path.split('/');
  for (let depth = 1; depth < segments.length; depth++) {
    const ancestor = segments.slice(0, depth).join('/');
    if (files.delete(ancestor)) removed.push(ancestor);
  }
}
