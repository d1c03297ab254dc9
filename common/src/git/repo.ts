// openRepo: the bare cache clone, a pipelined object reader, the write queue, and history, behind one GitRepo handle.
import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_FILE_BYTES } from '../repo/files.ts';
import { startCommitChain } from './commit-chain.ts';
import { checkBranchName, checkCommitId, GitRepoClosedError } from './errors.ts';
import { readChangedPaths, readLog, resolveCommitOnBranch } from './history.ts';
import { ObjectReader } from './object-reader.ts';
import { fetchBranch, fetchRef, prepareCacheDir, pushCommit, readRemoteBranchHead, readTrackingHead, runAutoMaintenance, type RemoteBranch } from './remote.ts';
import { TreeReader } from './tree-reader.ts';
import type { Author, GitRepo, OpenRepoOptions } from './types.ts';
import { WriteQueue } from './write-queue.ts';
import { oneAtATime } from './one-at-a-time.ts';

/** How often at most the cache clone's housekeeping (`git maintenance run --auto`) runs after a fetch, by default. */
const MAINTENANCE_INTERVAL_MS = 10 * 60_000;

/** The identity Cascade commits as when the caller names none. */
export const CASCADE_IDENTITY: Author = { name: 'Cascade', email: 'cascade@localhost' };

/** Opens (creating when needed) the bare cache clone in `dir`, fetches the branch once, and returns the handle. */
export async function openRepo(options: OpenRepoOptions): Promise<GitRepo> {
  const remote: RemoteBranch = { gitDir: options.dir, url: options.url, branch: checkBranchName(options.branch) };
  await prepareCacheDir(remote);
  const objects = new ObjectReader(remote.gitDir);
  const trees = new TreeReader(objects, options.maxFileBytes ?? MAX_FILE_BYTES, options.sharedReads);
  let closed = false;
  const open = () => {
    if (closed) throw new GitRepoClosedError({ dir: remote.gitDir });
  };
  // What the tracking ref holds after our last fetch or push, so reading it needs no git process (undefined: ask git),
  // and when that was learned.
  let knownHead: string | null | undefined;
  let knownAt = 0;
  // Housekeeping runs after a fetch at most this often (git would start it after every fetch, that is every poll),
  // and after the first one: a short-lived process (a CLI command) keeps its clone packed as git would.
  let maintainedAt = -Infinity;
  // One fetch at a time (two would race for the same ref lock); callers while one waits to start share it.
  const fetch = oneAtATime(async (): Promise<string | null> => {
    knownHead = await fetchBranch(remote);
    knownAt = performance.now();
    if (performance.now() - maintainedAt >= (options.maintenanceIntervalMs ?? MAINTENANCE_INTERVAL_MS)) {
      maintainedAt = performance.now();
      // Housekeeping that fails costs nothing but disk; the fetch itself succeeded.
      await runAutoMaintenance(remote).catch(() => {});
    }
    return knownHead;
  });
  const push = async (commit: string) => {
    const outcome = await pushCommit(remote, commit);
    // A push that lands moves the tracking ref along (git updates it for the configured fetch refspec).
    if (outcome.kind === 'pushed') {
      knownHead = commit;
      knownAt = performance.now();
    }
    return outcome;
  };
  const committer = options.committer ?? CASCADE_IDENTITY;
  const queue = new WriteQueue(
    {
      fetch,
      knownHead: () => (knownHead === undefined ? undefined : { head: knownHead, ageMs: performance.now() - knownAt }),
      remoteHead: () => readRemoteBranchHead(remote),
      readFiles: (commit) => trees.readFiles(commit),
      startChain: () => startCommitChain(remote.gitDir),
      push,
    },
    {
      remote: remote.url,
      branch: remote.branch,
      maxAttempts: options.maxAttempts ?? 8,
      maxBatch: options.maxBatch ?? 100,
      now: options.now ?? (() => new Date()),
      clock: options.clock ?? (() => performance.now()),
      committer,
      defaultAuthor: options.defaultAuthor ?? committer,
      backoffMs: options.backoffMs ?? 50,
      maxBackoffMs: 2000,
      random: options.random ?? Math.random,
      sleep: (ms) => sleep(ms),
    },
  );
  await fetch();
  return {
    url: remote.url,
    branch: remote.branch,
    dir: remote.gitDir,
    ...(options.sharedReads === undefined ? {} : { sharedReads: options.sharedReads }),
    async fetch() {
      open();
      return fetch();
    },
    async fetchRef(ref) {
      open();
      // Fetching the followed branch by name also moves its tracking ref; read it from git again afterwards.
      knownHead = undefined;
      return fetchRef(remote, ref);
    },
    async head() {
      open();
      return knownHead !== undefined ? knownHead : readTrackingHead(remote);
    },
    async readFiles(commit) {
      open();
      return trees.readFiles(checkCommitId(commit));
    },
    async write(write) {
      open();
      return queue.write(write);
    },
    async log(logOptions) {
      open();
      const from = logOptions.from ?? (await readTrackingHead(remote));
      return from ? readLog(remote.gitDir, from, logOptions) : [];
    },
    async changedPaths(from, to) {
      open();
      return readChangedPaths(remote.gitDir, from, to);
    },
    async resolveCommit(id, head) {
      open();
      return resolveCommitOnBranch(remote.gitDir, head, id);
    },
    async readBlob(oid, maxBytes) {
      open();
      return (await objects.read(oid, maxBytes ?? options.maxFileBytes ?? MAX_FILE_BYTES)).content;
    },
    readStats: () => trees.stats(),
    async close() {
      closed = true;
      objects.close();
    },
  };
}
