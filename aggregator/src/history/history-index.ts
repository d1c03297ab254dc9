// The history index: parsed first-parent commits kept in memory, updated with only the commits new since the last head.
// On start it indexes a bounded recent window; pages older than the window are read from git, a bounded chunk per page.
import type { HistoryEntry, HistoryPage, HistoryQuery } from '@cascade/common/api';
import type { CommitInfo, GitRepo } from '@cascade/common/git';
import { toHistoryEntry } from './entry.ts';

/** Options of the history index. */
export interface HistoryIndexOptions {
  /** Most commits kept in memory; the newest ones. Default 10 000. */
  window?: number;
  /** Most commits one history page examines beyond the window (read from git). Default 2 000. */
  gitScanBudget?: number;
}

/** Reads first-parent commits with their changed files; the git implementation is `GitRepo.log`, tests may pass their own. */
export type LogReader = (from: string, limit: number, stopAt?: string) => Promise<CommitInfo[]>;

/** Default page size of `GET /history`. */
const DEFAULT_PAGE_SIZE = 50;
/** Largest page size of `GET /history`. */
export const MAX_PAGE_SIZE = 200;

/** Parsed history of the branch, newest commits in memory. */
export class HistoryIndex {
  /** Oldest first, so new commits append; entry i has sequence number `base + i`. */
  private entries: HistoryEntry[] = [];
  private base = 0;
  private readonly sequence = new Map<string, number>();
  private indexedHead: string | null = null;
  private readonly window: number;
  private readonly gitScanBudget: number;

  constructor(
    private readonly readLog: LogReader,
    options: HistoryIndexOptions = {},
  ) {
    this.window = options.window ?? 10_000;
    this.gitScanBudget = options.gitScanBudget ?? 2_000;
  }

  /** Creates an index reading the repo's first-parent history. */
  static forRepo(repo: Pick<GitRepo, 'log'>, options?: HistoryIndexOptions): HistoryIndex {
    return new HistoryIndex((from, limit, stopAt) => repo.log({ from, limit, firstParent: true, changes: true, ...(stopAt === undefined ? {} : { stopAt }) }), options);
  }

  /** Number of commits in memory. */
  get size(): number {
    return this.entries.length;
  }

  /** The entry of a commit in the window. */
  get(commit: string): HistoryEntry | undefined {
    const seq = this.sequence.get(commit);
    return seq === undefined ? undefined : this.entries[seq - this.base];
  }

  /** Where a commit of the window sits on the branch's line: a larger number is a later commit; undefined outside the window. */
  position(commit: string): number | undefined {
    return this.sequence.get(commit);
  }

  /** Indexes the commits up to `head` that are new; returns them newest first (`rebuilt` when history was rewritten). */
  async update(head: string | null): Promise<{ added: HistoryEntry[]; rebuilt: boolean }> {
    if (head === this.indexedHead) return { added: [], rebuilt: false };
    if (head === null) {
      this.reset();
      return { added: [], rebuilt: true };
    }
    if (this.indexedHead !== null) {
      const fresh = await this.readLog(head, this.window + 1, this.indexedHead);
      const oldest = fresh[fresh.length - 1];
      // Connected only when the new commits sit on top of the old head along first parents; anything else (a force
      // push, a fast-forward to a merge whose first parent is another branch) is indexed again from scratch.
      if (fresh.length <= this.window && oldest?.parents[0] === this.indexedHead) {
        const added = fresh.map(toHistoryEntry);
        this.append([...added].reverse());
        this.indexedHead = head;
        return { added, rebuilt: false };
      }
    }
    this.reset();
    const all = (await this.readLog(head, this.window)).map(toHistoryEntry);
    this.append([...all].reverse());
    this.indexedHead = head;
    return { added: all, rebuilt: true };
  }

  /** One page of entries matching the query, newest first: a bounded scan from the cursor (default: the head). */
  async page(query: HistoryQuery): Promise<HistoryPage> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const matches = (entry: HistoryEntry) =>
      (query.env === undefined || entry.environments.includes(query.env)) &&
      (query.resource === undefined || entry.resources.includes(query.resource)) &&
      (query.type === undefined || entry.type === query.type) &&
      (query.excludeType === undefined || entry.type !== query.excludeType) &&
      (query.staging === undefined || (entry.stagings?.includes(query.staging) ?? false));
    const start = query.cursor ?? this.indexedHead;
    if (start === null) return { entries: [], nextCursor: null };
    const seq = this.sequence.get(start);
    if (seq !== undefined) return this.pageFromMemory(seq - this.base, limit, matches);
    return this.pageFromGit(start, limit, matches);
  }

  /** Scans the in-memory window downwards; where it ends, the cursor points git at the next older commit. */
  private pageFromMemory(from: number, limit: number, matches: (e: HistoryEntry) => boolean): HistoryPage {
    const entries: HistoryEntry[] = [];
    let i = from;
    for (; i >= 0 && entries.length < limit; i--) {
      const entry = this.entries[i] as HistoryEntry;
      if (matches(entry)) entries.push(entry);
    }
    const next = i >= 0 ? this.entries[i]?.commit : this.entries[0]?.parents[0];
    return { entries, nextCursor: next ?? null };
  }

  /** Reads older history from git in chunks, examining at most `gitScanBudget` commits for one page. */
  private async pageFromGit(from: string, limit: number, matches: (e: HistoryEntry) => boolean): Promise<HistoryPage> {
    const entries: HistoryEntry[] = [];
    let cursor: string | null = from;
    let examined = 0;
    while (cursor !== null && entries.length < limit && examined < this.gitScanBudget) {
      const chunkSize = Math.min(Math.max(limit * 2, 100), this.gitScanBudget - examined);
      const chunk: HistoryEntry[] = (await this.readLog(cursor, chunkSize)).map(toHistoryEntry);
      cursor = null;
      for (const entry of chunk) {
        examined++;
        if (entries.length === limit) {
          cursor = entry.commit;
          break;
        }
        if (matches(entry)) entries.push(entry);
        cursor = entry.parents[0] ?? null;
      }
    }
    return { entries, nextCursor: cursor };
  }

  private append(oldestFirst: HistoryEntry[]): void {
    for (const entry of oldestFirst) {
      this.sequence.set(entry.commit, this.base + this.entries.length);
      this.entries.push(entry);
    }
    // Trim in chunks so the window costs amortised O(1) per commit rather than a shift per commit.
    const excess = this.entries.length - this.window;
    if (excess > this.window / 4) {
      for (const dropped of this.entries.splice(0, excess)) this.sequence.delete(dropped.commit);
      this.base += excess;
    }
  }

  private reset(): void {
    this.entries = [];
    this.base = 0;
    this.sequence.clear();
    this.indexedHead = null;
  }
}
