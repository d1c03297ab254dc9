// The one write path: queued write functions become a chain of commits on the newest head, pushed together, retried on rejection.
import type { RepoFile, RepoFiles } from '../repo/files.ts';
import { LayeredMap } from '../repo/layered-map.ts';
import type { ChainCommit, CommitChain } from './commit-chain.ts';
import { checkAuthor, formatCommitMessage } from './commit-message.ts';
import { GitPushRejectedError } from './errors.ts';
import type { PushOutcome } from './remote.ts';
import { backoffDelay } from '../service/loop/backoff.ts';
import { applyChangesInPlace } from './tree-edit.ts';
import { TreeIds } from './tree-ids.ts';
import type { Author, WriteContext, WriteFunction, WriteResult } from './types.ts';

/** The git operations a write needs; the queue itself decides only what to do with them. */
export interface WriteBackend {
  /** Fetches the branch and returns its head (null: the branch does not exist yet). */
  fetch(): Promise<string | null>;
  /** The head the last fetch or push left in the cache clone and how long ago (ms), without running git; undefined when not known. */
  knownHead(): { head: string | null; ageMs: number } | undefined;
  /** The branch's head on the remote, fetching nothing (null: no such branch). */
  remoteHead(): Promise<string | null>;
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
  /** Monotonic milliseconds for the queue's own waits (group commit). */
  clock: () => number;
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

/**
 * How recent a fetch or push must be for its head to be built on without asking the remote first: long enough to
 * cover a transitioner's round from its fetch to its commit, short enough that another writer rarely lands between.
 */
const PRESUMED_CURRENT_MS = 2000;

/**
 * Group commit: when a write comes within GATHER_WINDOW_MS of a batch of several writes being answered, the next batch
 * waits up to GATHER_MAX_MS for as many writes to be queued as that batch held: the callers it answered (a pipeline's
 * CI jobs, a script pushing one resource after another) tend to write again at once, and without the wait the first
 * of them goes alone and the rest wait behind its push. Looked at every GATHER_POLL_MS.
 */
const GATHER_WINDOW_MS = 500;
const GATHER_MAX_MS = 50;
const GATHER_POLL_MS = 2;

/**
 * Whether group commit looks again: until `target` writes are queued, then for as long as more came since it last
 * looked (`before`; a burst larger than the batch before it, as when many callers start at once, goes as one), never
 * past a full batch.
 */
export function keepGathering(queued: number, before: number, target: number, maxBatch: number): boolean {
  return queued < maxBatch && (queued < target || queued > before);
}

/** A write's commit, or null when it changes nothing; `paths` are the entries its edit added, replaced or removed. */
type PlannedCommit = { pathsChanged: boolean; paths: readonly string[]; commit: Pick<ChainCommit, 'operations' | 'message' | 'author'> | null };

/** The files of a chain's last commit, and its tree ids when the chain computed them. */
type ChainTree = { files: Map<string, RepoFile>; ids: TreeIds | null };

/** A batch's chain: its last commit, the writes that refused (with their errors), which are in no commit, and its tree. */
type BuiltChain = { tip: string | null; failed: Map<QueuedWrite, unknown>; tree?: ChainTree };

/**
 * Serializes the writes of one process. Writes that arrive while a push is under way wait and then go
 * together: each write function runs on the result of the one before (one commit each), the chain is
 * pushed once, and every caller hears its own commit only after the remote accepted the chain.
 */
export class WriteQueue {
  private readonly queue: QueuedWrite[] = [];
  private running = false;
  /**
   * How many writes the last batch held, when it was answered (ms) and how many other writes were queued then (they
   * came while it was pushed), for group commit (gather).
   */
  private answered = { writes: 0, at: 0, queued: 0 };
  /** The tree of the last chain the remote accepted, so a batch on top of it reads and hashes no unchanged file again. */
  private landed: ({ tip: string } & ChainTree) | undefined;

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
        await this.gather();
        const batch = this.queue.splice(0, this.options.maxBatch);
        await this.runBatch(batch).catch((error: unknown) => this.answer(batch, () => batch.forEach((entry) => entry.reject(error))));
      }
    } finally {
      this.running = false;
    }
  }

  /**
   * Waits, when a batch of several writes was answered moments ago, until as many are queued again and no more keep
   * coming, or GATHER_MAX_MS have passed. A lone writer, or one after a lone write or long after the last batch, never
   * waits.
   */
  private async gather(): Promise<void> {
    const { writes, at, queued } = this.answered;
    const started = this.options.clock();
    if (writes < 2 || started - at > GATHER_WINDOW_MS) return;
    // Those queued when it was answered came while the batch was pushed: the callers it answered come on top of them
    // (the queue may have emptied since, and the write starting this drain be one of theirs).
    const target = Math.min(writes + queued, this.options.maxBatch);
    for (let before = -1; keepGathering(this.queue.length, before, target, this.options.maxBatch); ) {
      before = this.queue.length;
      await this.options.sleep(GATHER_POLL_MS);
      // Timers run before the loop reads its sockets: requests that came while it was busy are read before the
      // time is looked at.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.options.clock() - started >= GATHER_MAX_MS) return;
    }
  }

  /** Build the chain on the remote's head, push; on rejection back off and do it all again, bounded. Refusals are final. */
  private async runBatch(batch: QueuedWrite[]): Promise<void> {
    let live = batch;
    let lastReason = '';
    let presume = true;
    let tries = 0;
    for (let attempt = 1; attempt <= this.options.maxAttempts; ) {
      tries++;
      const { head, verified, tip, failed, tree } = await this.buildOnRemoteHead(live, presume);
      const nothingToPush = tip === head || tip === null;
      // "Already there" and a refusal (a lock, say) are answers about the remote, so they need a head it was asked
      // about; with a commit to push, the fast-forward push is that question.
      const pushed = !verified && nothingToPush && (await this.backend.remoteHead()) !== head ? { kind: 'rejected' as const, reason: 'the remote moved' } : nothingToPush ? { kind: 'pushed' as const } : await this.backend.push(tip);
      if (pushed.kind === 'rejected' && !verified) {
        // Built on a head presumed current, and it was not: not contention, so again at once on a fetched head,
        // and not counted against the attempts a busy remote is given.
        presume = false;
        continue;
      }
      for (const [entry, error] of failed) entry.reject(error);
      live = live.filter((entry) => !failed.has(entry));
      if (pushed.kind === 'pushed') {
        const landedTip = tip ?? head;
        if (tree && landedTip !== null) this.landed = { tip: landedTip, ...tree };
        this.answer(batch, () => {
          for (const entry of live) if (entry.outcome) entry.resolve({ ...entry.outcome, attempts: tries });
        });
        return;
      }
      lastReason = pushed.reason;
      if (attempt < this.options.maxAttempts) await this.options.sleep(this.backoff(attempt));
      attempt++;
    }
    const error = new GitPushRejectedError({ remote: this.options.remote, branch: this.options.branch, attempts: this.options.maxAttempts, reason: lastReason });
    this.answer(batch, () => live.forEach((entry) => entry.reject(error)));
  }

  /**
   * The chain built on the remote's current head. A head this process fetched or pushed moments ago is presumed to
   * still be the remote's: the push is a fast-forward only, so were it not, the remote refuses it and nothing is
   * lost (`verified` false says so). An older one is fetched: a fetch that finds nothing new costs what a look at
   * the remote's ref does, and one that finds something saves that look.
   */
  private async buildOnRemoteHead(batch: QueuedWrite[], presume: boolean): Promise<BuiltChain & { head: string | null; verified: boolean }> {
    const known = this.backend.knownHead();
    if (presume && known !== undefined && known.ageMs <= PRESUMED_CURRENT_MS) return { head: known.head, verified: false, ...(await this.buildChain(known.head, batch)) };
    const head = await this.backend.fetch();
    return { head, verified: true, ...(await this.buildChain(head, batch)) };
  }

  /**
   * Applies each write in turn on top of the previous one, one commit each, through one fast-import session. The
   * tree is one map edited in place, so a write costs what it changes rather than the size of the tree. Each
   * commit's id is computed in memory, so the next write sees it at once and the commits stream to fast-import
   * without a round trip each; fast-import's own ids are checked at the end, and should they ever differ the
   * chain is built again waiting for each of them.
   */
  private async buildChain(head: string | null, batch: QueuedWrite[], predictIds = true): Promise<BuiltChain> {
    // The kept tree is edited from here on: it describes the head only until this chain lands.
    const kept = this.keptTree(head);
    this.landed = undefined;
    // Laid over the read's files rather than a copy of every path: the chain's edits change only its own entries.
    const files = kept?.files ?? (head ? LayeredMap.derive((await this.backend.readFiles(head)).files) : new Map<string, RepoFile>());
    // Predicting ids pays for chains: a lone write on a head this queue did not land waits for fast-import's one
    // answer instead of hashing every folder of the repo first.
    const ids = predictIds ? (kept?.ids ?? (batch.length > 1 ? new TreeIds(files.values()) : null)) : null;
    let tip = head;
    let context: WriteContext = { memo: new Map() };
    let chain: CommitChain | null = null;
    const failed = new Map<QueuedWrite, unknown>();
    const predicted: Array<{ id: string; answer: Promise<string> }> = [];
    // What the last commit of the chain changed: a write may then derive its head's values from the head before
    // (the files are one map edited in place, so they cannot be compared with that head's).
    let changes: RepoFiles['changes'];
    try {
      for (const entry of batch) {
        entry.outcome = undefined;
        const current: RepoFiles = { commit: tip ?? '', files, ...(changes === undefined ? {} : { changes }) };
        const planned = this.plan(entry, current, context);
        if ('refused' in planned) failed.set(entry, planned.refused);
        else if (planned.commit === null) entry.outcome = { kind: 'unchanged', commit: current.commit };
        else {
          // Values derived from the set of paths hold only while no write adds or removes one.
          if (planned.pathsChanged) context = { memo: new Map() };
          chain ??= this.backend.startChain();
          const commit: ChainCommit = { ...planned.commit, parent: tip, committer: this.options.committer, time: this.options.now() };
          const parent = tip;
          if (ids) {
            ids.apply(commit.operations);
            const id = ids.commitId(commit);
            const answer = chain.commit(commit, id);
            // Read after finish(); a failure of the session is reported by finish() itself.
            answer.catch(() => {});
            predicted.push({ id, answer });
            tip = id;
          } else tip = await chain.commit(commit);
          if (parent !== null) changes = { since: parent, paths: planned.paths };
          entry.outcome = { kind: 'committed', commit: tip };
        }
      }
    } finally {
      await chain?.finish();
    }
    const actual = await Promise.all(predicted.map((commit) => commit.answer));
    if (predicted.some((commit, index) => commit.id !== actual[index])) return this.buildChain(head, batch, false);
    return { tip, failed, tree: { files, ids } };
  }

  /**
   * The landed tree as `head`'s when nothing landed since: the very tree the last chain edited, ids and all. After
   * another writer's commit the chain starts from a read of `head` instead, laid over rather than copied (see
   * buildChain), which costs what changed since the read before it.
   */
  private keptTree(head: string | null): ChainTree | undefined {
    const landed = this.landed;
    return head !== null && landed?.tip === head ? landed : undefined;
  }

  /** Runs one write function and applies its edit to `current`; its own mistakes are its own caller's only and change nothing. */
  private plan(entry: QueuedWrite, current: RepoFiles, context: WriteContext): PlannedCommit | { refused: unknown } {
    try {
      const edit = entry.write(current, context);
      if (!edit) return { commit: null, pathsChanged: false, paths: [] };
      const message = formatCommitMessage(edit.message, edit.trailers);
      const author = checkAuthor(edit.author ?? this.options.defaultAuthor, 'author');
      // Last, since it edits the tree: everything that can refuse the edit has passed.
      const applied = applyChangesInPlace(current.files, edit.changes);
      // An edit that rewrites what is already there is the same as no edit: no empty commit.
      if (applied.operations.length === 0) return { commit: null, pathsChanged: false, paths: [] };
      return { pathsChanged: applied.pathsChanged, paths: applied.paths, commit: { operations: applied.operations, message, author } };
    } catch (error) {
      return { refused: error };
    }
  }

  /**
   * Answers the batch's callers, noting first for group commit how many writes it held and how many are queued: read
   * before any caller runs again, since one that writes again at once is the batch coming back, not a write that came
   * during the push.
   */
  private answer(batch: readonly QueuedWrite[], callers: () => void): void {
    this.answered = { writes: batch.length, at: this.options.clock(), queued: this.queue.length };
    callers();
  }

  /** Full jitter: a random wait up to an exponentially growing bound, so competing writers spread out. */
  private backoff(attempt: number): number {
    return backoffDelay(attempt, { initial: this.options.backoffMs, max: this.options.maxBackoffMs, jitter: 'full' }, this.options.random);
  }
}
