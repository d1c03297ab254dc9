// The contract of the git layer: how services read commits and write to the shared branch.
import type { RepoFiles } from '../repo/files.ts';

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
 * always on the newest head, so it must not have side effects.
 */
export type WriteFunction = (current: RepoFiles) => TreeEdit | null;

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
  subject: string;
  /** Message body without the trailer block. */
  body: string;
  trailers: Array<[string, string]>;
}
