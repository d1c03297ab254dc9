// Reading the order of a resource's versions from git for the no-downgrade rule: when each version entered the
// pipeline, and whether a person set an environment back by hand.
import { entryEnvironments, parseVersionFile, resourcePaths, type RepoFile, type SnapshotWithFiles } from '@cascade/common';
import { differingNames, versionEntries } from '../core/copy-plan.ts';
import { commitTypeOf, type CommitInfo, type GitRepo } from '@cascade/common/git';
import type { SetBack, VersionOrder } from '../core/observations.ts';

/**
 * Most commits looked at per resource, newest first, counting every commit that changed one of its version files:
 * versions that entered the pipeline before that count as unknown.
 */
export const MAX_ENTRY_COMMITS = 200;

/** Cached answers kept before the caches start over. */
const MAX_CACHED = 10_000;

type Repo = Pick<GitRepo, 'log' | 'readBlob'>;

/** A version file as one commit of the history walk found it. */
type FileRef = { path: string; oid: string };

/**
 * Reads the version order of every resource whose version file differs between a transition's source and target
 * (the only ones a promotion could move), caching by blob id so a round without news costs no git call: the entry
 * versions by the entry file's blob, the set-back check by the target file's blob. What a resource lacks is read in
 * one walk of the history of its version files, whichever environments need it.
 */
export class VersionOrderReader {
  private entered = new Map<string, Promise<Map<string, Date>>>();
  private lastChanges = new Map<string, Promise<SetBack | undefined>>();

  constructor(private readonly repo: Repo) {}

  /** The version order per resource that may be promoted in `snapshot`, read from the history up to its head. */
  async read(snapshot: SnapshotWithFiles): Promise<Map<string, VersionOrder>> {
    // Keyed by blob ids, so entries of files long replaced are never asked for again; a bound keeps them from piling up.
    if (this.entered.size + this.lastChanges.size > MAX_CACHED) {
      this.entered.clear();
      this.lastChanges.clear();
    }
    const entries = entryEnvironments([...snapshot.environments.keys()], snapshot.transitions);
    const targets = [...new Set(snapshot.transitions.map((t) => t.target))];
    const order = new Map<string, VersionOrder>();
    for (const name of this.candidates(snapshot)) {
      const entryFiles = entries.flatMap((env) => versionFile(snapshot, env, name) ?? []);
      const targetFiles = new Map(targets.flatMap((env) => ((file) => (file ? [[env, file] as const] : []))(versionFile(snapshot, env, name))));
      this.readMissing(snapshot.commit, entryFiles, [...targetFiles.values()]);
      const entered = new Map<string, Date>();
      for (const file of entryFiles) {
        for (const [version, time] of await this.entered.get(key(file))!) {
          const known = entered.get(version);
          if (!known || time < known) entered.set(version, time);
        }
      }
      const setBack = new Map<string, SetBack>();
      for (const [env, file] of targetFiles) {
        const change = await this.lastChanges.get(key(file))!;
        const toAt = change ? entered.get(change.to) : undefined;
        const fromAt = change ? entered.get(change.from) : undefined;
        if (change && toAt !== undefined && fromAt !== undefined && toAt < fromAt) setBack.set(env, change);
      }
      order.set(name, { entered, setBack });
    }
    return order;
  }

  /** Starts one history walk for the files whose answers are not cached yet, and caches what it will find. */
  private readMissing(head: string, entryFiles: FileRef[], targetFiles: FileRef[]): void {
    const entryMissing = entryFiles.filter((file) => !this.entered.has(key(file)));
    const targetMissing = targetFiles.filter((file) => !this.lastChanges.has(key(file)));
    if (entryMissing.length + targetMissing.length === 0) return;
    const paths = [...new Set([...entryMissing, ...targetMissing].map((file) => file.path))];
    const walk = this.repo.log({ from: head, limit: MAX_ENTRY_COMMITS, firstParent: true, paths, changes: true });
    // A walk that failed is not remembered: the next round asks git again.
    walk.catch(() => {
      for (const file of entryMissing) this.entered.delete(key(file));
      for (const file of targetMissing) this.lastChanges.delete(key(file));
    });
    for (const file of entryMissing) this.entered.set(key(file), walk.then((commits) => this.enteredFrom(commits, file.path)));
    for (const file of targetMissing) this.lastChanges.set(key(file), walk.then((commits) => this.handMadeChangeFrom(commits, file.path)));
  }

  /** When each version first appeared in `path`, from the walk's commits that changed it (newest first). */
  private async enteredFrom(commits: readonly CommitInfo[], path: string): Promise<Map<string, Date>> {
    const entered = new Map<string, Date>();
    // Newest first: the last write per version is its oldest, when it entered.
    for (const commit of commits) {
      const version = await this.versionAfter(commit, path);
      if (version !== undefined) entered.set(version, new Date(commit.committedAt));
    }
    return entered;
  }

  /** The last change of `path` when a person made it by hand (transitions and rollbacks are Cascade's), with the versions before and after. */
  private async handMadeChangeFrom(commits: readonly CommitInfo[], path: string): Promise<SetBack | undefined> {
    const [last, before] = commits.filter((commit) => commit.changes?.some((change) => change.path === path));
    if (!last || !before || commitTypeOf(last.trailers) !== 'Manual') return undefined;
    const to = await this.versionAfter(last, path);
    const from = await this.versionAfter(before, path);
    if (to === undefined || from === undefined) return undefined;
    return { from, to, commit: last.commit, author: last.author.name };
  }

  /** Resources with a plain version file in a transition's source and target whose files differ. */
  private candidates(snapshot: SnapshotWithFiles): Set<string> {
    const names = new Set<string>();
    for (const { source, target } of snapshot.transitions) {
      // From the tree's index of version files, built once per tree: no path is built per resource and environment.
      const from = versionEntries(snapshot, source);
      const to = versionEntries(snapshot, target);
      // Only names whose entries differ at all can qualify: worked out from the last round's, not by a look at every resource.
      for (const name of differingNames(source, target, from, to)) {
        const entry = from.get(name);
        const other = to.get(name);
        if (entry !== undefined && other !== undefined && isPlain(entry.file) && isPlain(other.file) && entry.file.oid !== other.file.oid) names.add(name);
      }
    }
    return names;
  }

  /** The version a commit left in `path`, when it wrote a readable version file there. */
  private async versionAfter(commit: CommitInfo, path: string): Promise<string | undefined> {
    const change = commit.changes?.find((c) => c.path === path);
    if (change?.blob === undefined) return undefined;
    const content = await this.repo.readBlob(change.blob);
    if (content === undefined) return undefined;
    return parseVersionFile(path, new TextDecoder().decode(content)).data?.version;
  }
}

const key = (file: FileRef) => `${file.path}\0${file.oid}`;

const isPlain = (file: RepoFile) => file.kind === 'file' || file.kind === 'executable';

/** The version file of a resource in an environment, when it has a plain one. */
function versionFile(snapshot: SnapshotWithFiles, env: string, name: string): { path: string; oid: string } | undefined {
  for (const path of resourcePaths(env, 'version', name)) {
    const file = snapshot.files.files.get(path);
    if (file && (file.kind === 'file' || file.kind === 'executable')) return { path, oid: file.oid };
  }
  return undefined;
}
