import { createHash } from 'node:crypto';
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
   * The paths whose entry differs from the commit `since` (added, removed or changed), when the reader knew them
   * without comparing every path: a consumer holding the files of `since` may take them instead of a walk.
   */
  changes?: { since: string; paths: readonly string[] };
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
