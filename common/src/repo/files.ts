import { createHash } from 'node:crypto';
import { LayeredMap } from './layered-map.ts';
// The raw view of a commit that the snapshot parser works on: paths, kinds and bytes, no git involved.

/** What git says a tree entry is; only `file` entries are ever parsed. */
export type RepoEntryKind = 'file' | 'executable' | 'symlink' | 'submodule';

/** One entry of a commit's tree, with its content when it is a readable file within the size bound. */
export interface RepoFile {
  /** Path inside the repo, `/`-separated, no leading slash. */
  path: string;
  kind: RepoEntryKind;
  /** Git blob id; lets callers cache parsed content across commits. */
  oid: string;
  /** Size in bytes. */
  size: number;
  /** File content; absent for symlinks, submodules and files over the size bound. */
  content?: Uint8Array;
}

/** All entries of one commit's tree. */
export interface RepoFiles {
  commit: string;
  files: Map<string, RepoFile>;
  /**
   * The paths whose entry differs from the commit `since` (added, removed or changed), when the tree reader (or an
   * edit made in memory) knew them without comparing every path: a consumer holding the files of `since` may take
   * them instead of a walk.
   */
  changes?: { since: string; paths: readonly string[] };
}

/**
 * The paths whose entry was added, removed or differs by `same` between two reads of a tree; undefined past `limit`.
 * When the tree reader reported `after`'s changes since `before`, or both are layers over one base (LayeredMap), only
 * those paths are looked at; otherwise every path is, with an identity check first (the reader hands out the same
 * entries for unchanged subtrees).
 */
export function differingPaths(before: RepoFiles, after: RepoFiles, same: (a: RepoFile, b: RepoFile) => boolean): string[];
export function differingPaths(before: RepoFiles, after: RepoFiles, same: (a: RepoFile, b: RepoFile) => boolean, limit: number): string[] | undefined;
export function differingPaths(before: RepoFiles, after: RepoFiles, same: (a: RepoFile, b: RepoFile) => boolean, limit = Infinity): string[] | undefined {
  // A tree edited in memory has no commit (''), so changes since '' cannot say which tree they are since.
  // The reader named what changed since `before`, or two layers over one base (a read and a write's tree made from
  // it) differ at most where their own changes are: only those paths are looked at.
  const candidates = before.commit !== '' && after.changes?.since === before.commit ? after.changes.paths : LayeredMap.keysThatMayDiffer(before.files, after.files);
  if (candidates !== undefined) {
    const paths = [...candidates].filter((path) => {
      const [old, file] = [before.files.get(path), after.files.get(path)];
      return old === undefined || file === undefined ? old !== file : old !== file && !same(old, file);
    });
    return paths.length > limit ? undefined : paths;
  }
  const changed: string[] = [];
  let added = 0;
  for (const [path, file] of after.files) {
    const old = before.files.get(path);
    if (old === file || (old !== undefined && same(old, file))) continue;
    if (old === undefined) added++;
    changed.push(path);
    if (changed.length > limit) return undefined;
  }
  // Removed paths are looked for only when some were removed: sizes tell.
  if (before.files.size + added !== after.files.size) {
    for (const path of before.files.keys()) {
      if (after.files.has(path)) continue;
      changed.push(path);
      if (changed.length > limit) return undefined;
    }
  }
  return changed;
}

/** Files larger than this are never read into memory; they are reported as a problem instead. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** The id git gives a blob with this content, so in-memory trees and real ones agree. */
export function blobId(content: Uint8Array): string {
  return createHash('sha1').update(`blob ${content.byteLength}\0`).update(content).digest('hex');
}

/** Builds a RepoFiles view from plain strings, for tests and for the write path's in-memory trees. */
export function repoFilesFromText(commit: string, texts: Record<string, string>): RepoFiles {
  const files = new Map<string, RepoFile>();
  const encoder = new TextEncoder();
  for (const [path, text] of Object.entries(texts)) {
    const content = encoder.encode(text);
    files.set(path, { path, kind: 'file', oid: blobId(content), size: content.byteLength, content });
  }
  return { commit, files };
}
