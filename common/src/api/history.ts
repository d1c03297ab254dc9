// The history view's wire types: commits of the branch's own line, parsed from their trailers and changed paths.
import type { CommitType } from '../git/trailers.ts';
import type { Author } from '../git/types.ts';

export type { CommitType };

/** One commit as the history view shows it. */
export interface HistoryEntry {
  commit: string;
  parents: string[];
  type: CommitType;
  author: Author;
  /** Author time, ISO 8601. */
  time: string;
  subject: string;
  /** Message body without the trailer block (for a version push: the changelog). */
  body: string;
  /** Environments the commit touched (from trailers and changed paths). */
  environments: string[];
  /** Resources the commit touched. */
  resources: string[];
  /** Versions named by `Cascade-Version` trailers. */
  versions: string[];
  /** Stagings the commit changed (from `Cascade-Staging` trailers and changed `stagings/<name>.yaml` files); absent when none. */
  stagings?: string[];
  /** What a promotion moved, one per resource in the order the commit lists them; absent for other commits. */
  moves?: HistoryMove[];
  /** Every trailer, in order. */
  trailers: Array<[string, string]>;
}

/** One resource a promotion moved in its target environment. */
export interface HistoryMove {
  resource: string;
  /** The environment whose version changed. */
  env: string;
  /** The version before; absent when the resource was new there. */
  from?: string;
  /** The version after; absent when the resource was removed there. */
  to?: string;
  /**
   * True when `to` entered the pipeline before `from` (a step back), false when after; absent when that order is
   * unknown (a version older than the aggregator's indexed history, or a move that is no change of version).
   */
  downgrade?: boolean;
}

/** Query of `GET /api/v1/history`. */
export interface HistoryQuery {
  env?: string;
  resource?: string;
  type?: CommitType;
  /** Leave out commits of this type (e.g. `Schedule`, which a transition writes per window). */
  excludeType?: CommitType;
  /** Only commits that changed this staging. */
  staging?: string;
  /** Page size, 1 to 200; default 50. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/** Answer of `GET /api/v1/history`: newest first. */
export interface HistoryPage {
  entries: HistoryEntry[];
  /**
   * Pass as `cursor` for the next (older) page; null when history ends. A filtered page may hold fewer
   * than `limit` entries (even none) while `nextCursor` is set: each page examines a bounded number of commits.
   */
  nextCursor: string | null;
}
