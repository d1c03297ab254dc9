// Reading the order of a resource's versions from git for the no-downgrade rule: when each version entered the
// pipeline, and whether a person set an environment back by hand.
import { entryEnvironments, parseVersionFile, resourcePaths, type SnapshotWithFiles } from '@cascade/common';
import { commitTypeOf, type CommitInfo, type GitRepo } from '@cascade/common/git';
import type { SetBack, VersionOrder } from '../core/observations.ts';

/** Most changes of an entry environment's version file looked at: versions older than that count as unknown. */
export const MAX_ENTRY_COMMITS = 200;

/** Cached answers kept before the caches start over. */
const MAX_CACHED = 10_000;

type Repo = Pick<GitRepo, 'log' | 'readBlob'>;

/**
 * Reads the version order of every resource whose version file differs between a transition's source and target
 * (the only ones a promotion could move), caching by blob id so a round without news costs no git call: the entry
 * walk by the entry file's blob, the set-back check by the target file's blob.
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
      const entered = new Map<string, Date>();
      for (const env of entries) {
        for (const [version, time] of await this.enteredIn(snapshot, env, name)) {
          const known = entered.get(version);
          if (!known || time < known) entered.set(version, time);
        }
      }
      const setBack = new Map<string, SetBack>();
      for (const env of targets) {
        const change = await this.lastChangeIn(snapshot, env, name);
        const toAt = change ? entered.get(change.to) : undefined;
        const fromAt = change ? entered.get(change.from) : undefined;
        if (change && toAt !== undefined && fromAt !== undefined && toAt < fromAt) setBack.set(env, change);
      }
      order.set(name, { entered, setBack });
    }
    return order;
  }

  /** Resources with a version in a transition's source and target whose files differ. */
  private candidates(snapshot: SnapshotWithFiles): Set<string> {
    const names = new Set<string>();
    const blobOf = (env: string, name: string) => versionFile(snapshot, env, name)?.oid;
    for (const { source, target } of snapshot.transitions) {
      const from = snapshot.environments.get(source)?.resources;
      for (const name of from?.keys() ?? []) {
        const a = blobOf(source, name);
        const b = blobOf(target, name);
        if (a !== undefined && b !== undefined && a !== b) names.add(name);
      }
    }
    return names;
  }

  /** When each version first appeared in `env`'s version file, from its last changes on the first-parent line. */
  private enteredIn(snapshot: SnapshotWithFiles, env: string, name: string): Promise<Map<string, Date>> {
    const file = versionFile(snapshot, env, name);
    if (!file) return Promise.resolve(new Map());
    const key = `${file.path}\0${file.oid}`;
    let found = this.entered.get(key);
    if (!found) {
      found = this.walkEntries(snapshot.commit, file.path);
      this.entered.set(key, found);
    }
    return found;
  }

  private async walkEntries(head: string, path: string): Promise<Map<string, Date>> {
    const commits = await this.repo.log({ from: head, limit: MAX_ENTRY_COMMITS, firstParent: true, paths: [path], changes: true });
    const entered = new Map<string, Date>();
    // Newest first: the last write per version is its oldest, when it entered.
    for (const commit of commits) {
      const version = await this.versionAfter(commit, path);
      if (version !== undefined) entered.set(version, new Date(commit.committedAt));
    }
    return entered;
  }

  /** The last change of `env`'s file when a person made it by hand (transitions and rollbacks are Cascade's), with the versions before and after. */
  private lastChangeIn(snapshot: SnapshotWithFiles, env: string, name: string): Promise<SetBack | undefined> {
    const file = versionFile(snapshot, env, name);
    if (!file) return Promise.resolve(undefined);
    const key = `${file.path}\0${file.oid}`;
    let found = this.lastChanges.get(key);
    if (!found) {
      found = this.findHandMadeChange(snapshot.commit, file.path);
      this.lastChanges.set(key, found);
    }
    return found;
  }

  private async findHandMadeChange(head: string, path: string): Promise<SetBack | undefined> {
    const [last, before] = await this.repo.log({ from: head, limit: 2, firstParent: true, paths: [path], changes: true });
    if (!last || !before || commitTypeOf(last.trailers) !== 'Manual') return undefined;
    const to = await this.versionAfter(last, path);
    const from = await this.versionAfter(before, path);
    if (to === undefined || from === undefined) return undefined;
    return { from, to, commit: last.commit, author: last.author.name };
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

/** The version file of a resource in an environment, when it has a plain one. */
function versionFile(snapshot: SnapshotWithFiles, env: string, name: string): { path: string; oid: string } | undefined {
  for (const path of resourcePaths(env, 'version', name)) {
    const file = snapshot.files.files.get(path);
    if (file && (file.kind === 'file' || file.kind === 'executable')) return { path, oid: file.oid };
  }
  return undefined;
}
