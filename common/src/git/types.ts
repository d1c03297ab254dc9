// The contract of the git layer: how services read commits and write to the shared branch.
import type { RepoFiles } from '../repo/files.ts';
import type { SharedReads } from '../repo/shared-reads.ts';

/** Identity recorded as the author of a commit Cascade makes. */
export interface Author {
  name: string;
  email: string;
}

/** Changes a write makes: a path mapped to its new content, or to null to delete it. */
export type FileChanges = Record<string, string | Uint8Array | null>;

/** What a write function asks for: file changes plus the commit message, trailers and author. */
export interface TreeEdit {
  changes: FileChanges;
  /** Subject line, a blank line and an optional body; trailers are appended by the git layer. */
  message: string;
  /** Trailers such as `Cascade-Type: Version`, in order. */
  trailers?: Array<[string, string]>;
  author?: Author;
}

/**
 * A pure function from the current tree to an edit, or `null` when there is nothing to do
 * (e.g. the same version is already there). It may run several times, once per attempt,
 * always on the newest head, so it must not have side effects. `current` is valid only during
 * the call: the write path edits the same tree in place for the next write of its batch.
 */
export type WriteFunction = (current: RepoFiles, context?: WriteContext) => TreeEdit | null;

/** What the write path gives a write function besides the tree. */
export interface WriteContext {
  /**
   * Values derived from the tree, shared by the writes of one batch until a write adds or removes a path: a value that
   * depends only on the set of paths and on files named in its key (by blob id) is computed once per batch, not per write.
   */
  readonly memo: Map<string, unknown>;
}

/** Result of a write: the commit on the remote that holds it, or that nothing had to change. */
export type WriteResult =
  | { kind: 'committed'; commit: string; attempts: number }
  | { kind: 'unchanged'; commit: string; attempts: number };

/** One commit as the history view needs it, parsed without walking past what was asked for. */
export interface CommitInfo {
  commit: string;
  parents: string[];
  author: Author;
  /** Author time, ISO 8601. */
  time: string;
  /** Committer time, ISO 8601: when the commit landed (a rebase or merge changes it, not the author time). */
  committedAt: string;
  subject: string;
  /** Message body without the trailer block. */
  body: string;
  trailers: Array<[string, string]>;
  /** The files the commit changed (against its first parent with `firstParent`); only when `changes` was asked. */
  changes?: PathChange[];
}

/** One file a commit added, modified or deleted. */
export interface PathChange {
  path: string;
  status: 'A' | 'M' | 'D';
  /** The file's blob after the commit; absent when it was deleted. */
  blob?: string;
}

/** Which commits `log` returns. */
export interface LogOptions {
  /** Start here (inclusive); default: the remote-tracking head. */
  from?: string;
  /** At most this many commits; git stops walking there, so a page costs its size, not the repo's age. */
  limit: number;
  /** Follow only first parents: the branch's own line, and paging by `from: last.parents[0]` is exact. */
  firstParent?: boolean;
  /** Only commits touching these paths (or folders). */
  paths?: string[];
  /** Stop before this commit and its ancestors (exclusive): the part of history not seen yet. */
  stopAt?: string;
  /** Also list each commit's changed files with their blobs (`CommitInfo.changes`). */
  changes?: boolean;
}

/** How much git work reads have done; tests assert incremental reads on these counts. */
export interface ReadStats {
  /** Tree objects parsed; an unchanged subtree is not read again. */
  treesRead: number;
  /** Blobs read (those over the size bound only for their size). */
  blobsRead: number;
}

/** Where the repository lives and how Cascade writes to it. */
export interface OpenRepoOptions {
  /** The remote: a path (already resolved by the caller), an ssh or an https URL. */
  url: string;
  branch: string;
  /** Cache directory for the bare clone; created when missing, reused when it follows the same remote. */
  dir: string;
  /** Clock for commit times; default: the system clock. */
  now?: () => Date;
  /** Monotonic milliseconds for the write queue's own waits (group commit); default `performance.now`. */
  clock?: () => number;
  /** Committer of every commit Cascade makes; default `Cascade <cascade@localhost>`. */
  committer?: Author;
  /** Author when an edit names none; default: the committer. */
  defaultAuthor?: Author;
  /** Push attempts per write before GitPushRejectedError; default 8. */
  maxAttempts?: number;
  /** Most queued writes pushed together; default 100. */
  maxBatch?: number;
  /** First back-off bound after a rejected push, doubled per retry up to 2 s; default 50 ms. */
  backoffMs?: number;
  /** Randomness for the jitter, in [0, 1); default Math.random. */
  random?: () => number;
  /** Files above this are listed without content; default MAX_FILE_BYTES. */
  maxFileBytes?: number;
  /** Least time between two runs of git's housekeeping of the clone after a fetch; default 10 minutes. */
  maintenanceIntervalMs?: number;
  /** What the other services of this process read of the repo, to share rather than copy (`cascade up`); default none. */
  sharedReads?: SharedReads;
}

/** A handle on the resource repo: a bare cache clone following one remote branch. */
export interface GitRepo {
  readonly url: string;
  readonly branch: string;
  readonly dir: string;
  /** The reads shared with the other services of this process, when it shares them (OpenRepoOptions.sharedReads). */
  readonly sharedReads?: SharedReads;
  /** Fetches the branch; returns its head, or null when the remote has no such branch yet. */
  fetch(): Promise<string | null>;
  /** Fetches any ref of the remote (branch, tag or commit id) without moving the followed branch; returns its commit. */
  fetchRef(ref: string): Promise<string>;
  /** The head the last fetch or push saw, without network. */
  head(): Promise<string | null>;
  /** Every entry of a commit's tree with file contents; re-reads only what changed since earlier reads. */
  readFiles(commit: string): Promise<RepoFiles>;
  /** Applies a write function to the newest head, commits and pushes; resolves once the remote has it. */
  write(write: WriteFunction): Promise<WriteResult>;
  /** A page of history, newest first, trailers parsed. */
  log(options: LogOptions): Promise<CommitInfo[]>;
  /** Paths that differ between two commits, so callers can re-read only those. */
  changedPaths(from: string, to: string): Promise<string[]>;
  /** The full id of `id` (full or abbreviated) when it is a commit on the branch's history up to `head`, else undefined. */
  resolveCommit(id: string, head: string): Promise<string | undefined>;
  /** A blob's bytes by id (from `CommitInfo.changes`), or undefined when it is larger than `maxBytes` (default the file bound). */
  readBlob(oid: string, maxBytes?: number): Promise<Uint8Array | undefined>;
  /** Counts of git reads so far. */
  readStats(): ReadStats;
  /** Stops the background `cat-file` process; the handle accepts nothing afterwards. */
  close(): Promise<void>;
}
