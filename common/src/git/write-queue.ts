// The one write path: queued write functions become a chain of commits on the newest head, pushed together, retried on rejection.
import type { RepoFiles } from '../repo/files.ts';
import type { ChainCommit, CommitChain } from './commit-chain.ts';
import { checkAuthor, formatCommitMessage } from './commit-message.ts';
import { GitPushRejectedError } from './errors.ts';
import type { PushOutcome } from './remote.ts';
import { backoffDelay } from '../service/loop/backoff.ts';
import { applyChanges } from './tree-edit.ts';
import type { Author, WriteFunction, WriteResult } from './types.ts';

/** The git operations a write needs; the queue itself decides only what to do with them. */
export interface WriteBackend {
  /** Fetches the branch and returns its head (null: the branch does not exist yet). */
  fetch(): Promise<string | null>;
  readFiles(commit: string): Promise<RepoFiles>;
  startChain(): CommitChain;
  push(commit: string): Promise<PushOutcome>;
}

/** Settings of the write path. */
export interface WriteQueueOptions {
  /** Remote and branch, for error messages. */
  remote: string;
  branch: string;
  /** Push attempts per batch before giving up with GitPushRejectedError. */
  maxAttempts: number;
  /** Most writes combined into one push. */
  maxBatch: number;
  now: () => Date;
  committer: Author;
  defaultAuthor: Author;
  /** Upper bound of the first back-off; each retry doubles it, up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
}

interface QueuedWrite {
  write: WriteFunction;
  resolve: (result: WriteResult) => void;
  reject: (error: unknown) => void;
  /** What this write came to in the current attempt; acknowledged only after the push. */
  outcome?: { kind: 'committed' | 'unchanged'; commit: string };
}

type PlannedCommit = { files: RepoFiles['files']; commit: Pick<ChainCommit, 'operations' | 'message' | 'author'> };

/**
 * Serializes the writes of one process. Writes that arrive while a push is under way wait and then go
 * together: each write function runs on the result of the one before (one commit each), the chain is
 * pushed once, and every caller hears its own commit only after the remote accepted the chain.
 */
export class WriteQueue {
  private readonly queue: QueuedWrite[] = [];
  private running = false;

  constructor(
    private readonly backend: WriteBackend,
    private readonly options: WriteQueueOptions,
  ) {}

  /** Queues a write; resolves once the remote has it (or had it already), rejects with the reason it cannot. */
  write(write: WriteFunction): Promise<WriteResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.maxBatch);
        await this.runBatch(batch).catch((error: unknown) => batch.forEach((entry) => entry.reject(error)));
      }
    } finally {
      this.running = false;
    }
  }

  /** Fetch, rebuild the chain on the head, push; on rejection back off and do it all again, bounded. */
  private async runBatch(batch: QueuedWrite[]): Promise<void> {
    let live = batch;
    let lastReason = '';
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt++) {
      const head = await this.backend.fetch();
      const { tip, failed } = await this.buildChain(head, live);
      live = live.filter((entry) => !failed.has(entry));
      const pushed = tip === head || tip === null ? { kind: 'pushed' as const } : await this.backend.push(tip);
      if (pushed.kind === 'pushed') {
        for (const entry of live) if (entry.outcome) entry.resolve({ ...entry.outcome, attempts: attempt });
        return;
      }
      lastReason = pushed.reason;
      if (attempt < this.options.maxAttempts) await this.options.sleep(this.backoff(attempt));
    }
    const error = new GitPushRejectedError({ remote: this.options.remote, branch: this.options.branch, attempts: this.options.maxAttempts, reason: lastReason });
    live.forEach((entry) => entry.reject(error));
  }

  /** Applies each write in turn on top of the previous one, one commit each, through one fast-import session. */
  private async buildChain(head: string | null, batch: QueuedWrite[]): Promise<{ tip: string | null; failed: Set<QueuedWrite> }> {
    let current: RepoFiles = head ? await this.backend.readFiles(head) : { commit: '', files: new Map() };
    let tip = head;
    let chain: CommitChain | null = null;
    const failed = new Set<QueuedWrite>();
    try {
      for (const entry of batch) {
        entry.outcome = undefined;
        const planned = this.plan(entry, current);
        if (planned === 'failed') failed.add(entry);
        else if (planned === null) entry.outcome = { kind: 'unchanged', commit: current.commit };
        else {
          chain ??= this.backend.startChain();
          const commit = await chain.commit({ ...planned.commit, parent: tip, committer: this.options.committer, time: this.options.now() });
          current = { commit, files: planned.files };
          tip = commit;
          entry.outcome = { kind: 'committed', commit };
        }
      }
    } finally {
      await chain?.finish();
    }
    return { tip, failed };
  }

  /** Runs one write function and checks its edit; its own mistakes reject only its own caller. */
  private plan(entry: QueuedWrite, current: RepoFiles): 'failed' | null | PlannedCommit {
    try {
      const edit = entry.write(current);
      if (!edit) return null;
      const applied = applyChanges(current, edit.changes);
      const message = formatCommitMessage(edit.message, edit.trailers);
      const author = checkAuthor(edit.author ?? this.options.defaultAuthor, 'author');
      // An edit that rewrites what is already there is the same as no edit: no empty commit.
      if (applied.operations.length === 0) return null;
      return { files: applied.files, commit: { operations: applied.operations, message, author } };
    } catch (error) {
      entry.reject(error);
      return 'failed';
    }
  }

  /** Full jitter: a random wait up to an exponentially growing bound, so competing writers spread out. */
  private backoff(attempt: number): number {
    return backoffDelay(attempt, { initial: this.options.backoffMs, max: this.options.maxBackoffMs, jitter: 'full' }, this.options.random);
  }
}
