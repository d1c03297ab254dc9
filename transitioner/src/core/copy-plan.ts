// Mirroring a source's version/ folder onto a target's: which files to write and delete, what that promotes,
// and which resources stay as they are because the source cannot say what they should be.
import { classifyPath, isLocked, LayeredMap, Lineage, resourcePaths, type HeldResourceReport, type Locks, type Problem, type PromotedResource, type RepoFile, type RepoFiles, type SnapshotWithFiles } from '@cascade/common';
import type { FileChanges } from '@cascade/common/git';
import { entryInTheWay, sourceHold } from './held.ts';

/** One resource whose version file the copy writes or deletes, with what the shell needs to find its changelog. */
export interface PlannedResource extends PromotedResource {
  /** Source file carried over, and its blob id; absent for a removal. */
  sourcePath?: string;
  sourceOid?: string;
  /** Blob id the target had before; the changelog walk stops at the commit that brought this content to the source. */
  targetOid?: string;
}

/** A resource the copy neither writes nor deletes in the target (which keeps what it has), and why. */
export interface HeldResource {
  name: string;
  /** What keeps it, naming the file: the source's unreadable version file, a broken source folder, or a target entry in the way. */
  problem: Problem;
}

/** The wire form of a held resource. */
export function heldReport({ name, problem }: HeldResource): HeldResourceReport {
  return { name, file: problem.file, code: problem.code, message: problem.message };
}

/** The file changes of a copy, per resource, in name order. */
export interface CopyPlan {
  changes: FileChanges;
  resources: PlannedResource[];
  /** Resources left alone in the target, in name order. */
  held: HeldResource[];
}

/** One entry below `<env>/version/` that names a resource; `readable` when it is a file whose bytes were read. */
export interface VersionEntry {
  file: RepoFile;
  readable: boolean;
}

/**
 * The version entries of an environment by resource name, unreadable ones (symlinks, oversized files) included:
 * the copy must know they exist so it never reads their absence as "removed". Entries whose names Cascade
 * refuses are left out; for a name defined twice the first entry counts (the model marks the resource).
 */
export function versionEntries(snapshot: SnapshotWithFiles, env: string): ReadonlyMap<string, VersionEntry> {
  return versionIndex(snapshot.files).get(env) ?? NO_ENTRIES;
}

const NO_ENTRIES: ReadonlyMap<string, VersionEntry> = new Map();

/** Every environment's version entries by resource name, as versionEntries reads them. */
export type VersionIndex = ReadonlyMap<string, ReadonlyMap<string, VersionEntry>>;

/**
 * Every environment's version entries, kept while the tree is: a round asks for them per transition, for its outlook
 * and its decision, and an idle round's tree is the one the last round read.
 */
const indexByFiles = new WeakMap<ReadonlyMap<string, RepoFile>, VersionIndex>();

/** The last tree indexed: the next one is worked out from it when the tree reader names the paths changed since. */
let lastIndexed: { commit: string; index: VersionIndex } | undefined;

/**
 * The version entries of every environment in `repo`: from the last tree's index and the paths changed since when
 * the reader reported them (a push costs what it changed), otherwise from one pass over the whole tree.
 */
export function versionIndex(repo: RepoFiles): VersionIndex {
  let index = indexByFiles.get(repo.files);
  if (index === undefined) {
    const since = lastIndexed !== undefined && repo.changes?.since === lastIndexed.commit ? lastIndexed.index : undefined;
    index = (since && updateVersionIndex(since, repo.files, repo.changes!.paths)) ?? indexVersionEntries(repo.files);
    indexByFiles.set(repo.files, index);
  }
  // Trees edited in memory have no commit of their own to be named by.
  if (repo.commit !== '') lastIndexed = { commit: repo.commit, index };
  return index;
}

/** Works out the version index of `after`, `before` edited in memory at `paths`, from `before`'s instead of its whole tree. */
export function carryVersionIndex(before: RepoFiles, after: ReadonlyMap<string, RepoFile>, paths: readonly string[]): void {
  if (indexByFiles.has(after)) return;
  const index = updateVersionIndex(versionIndex(before), after, paths);
  if (index !== undefined) indexByFiles.set(after, index);
}

/** The version entries of every environment, found in one pass over the tree. */
export function indexVersionEntries(files: ReadonlyMap<string, RepoFile>): VersionIndex {
  const byEnv = new Map<string, Map<string, VersionEntry>>();
  for (const [path, file] of files) {
    const place = versionPlace(path);
    if (place === undefined) continue;
    let byName = byEnv.get(place.env);
    if (!byName) byEnv.set(place.env, (byName = new Map()));
    if (!byName.has(place.name)) byName.set(place.name, versionEntry(file));
  }
  return byEnv;
}

/**
 * How updateVersionIndex derived each environment's entries: from which earlier entries, by which names looked up
 * again. Kept weakly (a chain of strong links would keep every earlier copy alive), 64 steps back at most.
 */
const derivedEntries = new Lineage<string>(64);

/**
 * `before` (the index of an earlier tree) brought up to `files`, given every path whose entry differs between the
 * two trees: only the environments with changed version entries are copied, and only the changed names looked up
 * again. Undefined when a changed name is defined twice, since which definition counts follows the tree's order.
 */
export function updateVersionIndex(before: VersionIndex, files: ReadonlyMap<string, RepoFile>, changedPaths: readonly string[]): VersionIndex | undefined {
  const dirty = new Map<string, Set<string>>();
  for (const path of changedPaths) {
    const place = versionPlace(path);
    if (place === undefined) continue;
    const names = dirty.get(place.env) ?? new Set<string>();
    dirty.set(place.env, names.add(place.name));
  }
  if (dirty.size === 0) return before;
  const after = new Map(before);
  for (const [env, names] of dirty) {
    const base = before.get(env) ?? NO_ENTRIES;
    // Laid over the last entries rather than a copy of thousands: a push changes one or two.
    const byName = LayeredMap.derive(base);
    derivedEntries.record(byName, base, names);
    for (const name of names) {
      const defined = resourcePaths(env, 'version', name).flatMap((path) => files.get(path) ?? []);
      if (defined.length > 1) return undefined;
      if (defined[0] === undefined) byName.delete(name);
      else byName.set(name, versionEntry(defined[0]));
    }
    if (byName.size > 0) after.set(env, byName);
    else after.delete(env);
  }
  return after;
}

/** The environment and resource name of a path below `<env>/version/`; undefined for any other path or a refused name. */
export function versionPlace(path: string): { env: string; name: string } | undefined {
  // The folder test first: classifying every path of the repo would cost more than the copy.
  const slash = path.indexOf('/');
  if (slash <= 0 || !path.startsWith('/version/', slash)) return undefined;
  const place = classifyPath(path);
  return place.kind === 'resource' && place.folder === 'version' ? { env: place.env, name: place.name } : undefined;
}

function versionEntry(file: RepoFile): VersionEntry {
  return { file, readable: (file.kind === 'file' || file.kind === 'executable') && file.content !== undefined };
}

/** Per source and target environment: the entries last compared and the names whose entries differed. */
const lastDiffering = new Map<string, { from: ReadonlyMap<string, VersionEntry>; to: ReadonlyMap<string, VersionEntry>; names: Set<string> }>();

/**
 * The names whose version entries differ between `source` (`from`) and `target` (`to`): on one side only, another
 * blob, or another place below version/. Worked out from the last answer for the same two environments and the
 * names that changed since, when their entries derive from the last ones: a round after a push costs what it changed,
 * not a look at every resource. Do not change the set.
 */
export function differingNames(source: string, target: string, from: ReadonlyMap<string, VersionEntry>, to: ReadonlyMap<string, VersionEntry>): ReadonlySet<string> {
  const pair = `${source}\0${target}`;
  const last = lastDiffering.get(pair);
  if (last !== undefined && last.from === from && last.to === to) return last.names;
  const changedFrom = last === undefined ? undefined : derivedEntries.changedBetween(last.from, from);
  const changedTo = last === undefined || changedFrom === undefined ? undefined : derivedEntries.changedBetween(last.to, to);
  let names: Set<string>;
  if (changedFrom === undefined || changedTo === undefined) {
    names = new Set<string>();
    for (const [name, sourceEntry] of from) if (entriesDiffer(source, sourceEntry, target, to.get(name))) names.add(name);
    for (const name of to.keys()) if (!from.has(name)) names.add(name);
  } else {
    names = new Set(last!.names);
    for (const name of [...changedFrom, ...changedTo]) {
      const sourceEntry = from.get(name);
      const targetEntry = to.get(name);
      if (sourceEntry === undefined ? targetEntry !== undefined : entriesDiffer(source, sourceEntry, target, targetEntry)) names.add(name);
      else names.delete(name);
    }
  }
  lastDiffering.set(pair, { from, to, names });
  return names;
}

/** Whether the target's entry for a name the source has is missing, another blob, or in another place. */
function entriesDiffer(source: string, sourceEntry: VersionEntry, target: string, targetEntry: VersionEntry | undefined): boolean {
  return !targetEntry || targetEntry.file.oid !== sourceEntry.file.oid || !samePlace(sourceEntry.file.path, source, targetEntry.file.path, target);
}

/** Whether two paths below `<env>/` are the same path once their environments are taken off. */
function samePlace(sourcePath: string, source: string, targetPath: string, target: string): boolean {
  return sourcePath.length - source.length === targetPath.length - target.length && sourcePath.endsWith(targetPath.slice(target.length));
}

/**
 * The changes that make the target's version files equal to the source's, subfolders included: changed and
 * new files are written with the source's bytes, files the source no longer has are deleted (the folder is
 * mirrored), and resources locked in the target are left as they are. A resource the source cannot vouch for
 * (its files unreadable or broken, or the source's folder structure broken so its absence proves nothing) is
 * held: neither written nor deleted, and so is one `keep` names a reason for (the no-downgrade rule). `base/`,
 * `deployable/` and locks are never touched.
 */
export function planCopy(snapshot: SnapshotWithFiles, source: string, target: string, targetLocks: Locks, keep?: (name: string) => Problem | undefined): CopyPlan {
  const from = versionEntries(snapshot, source);
  const to = versionEntries(snapshot, target);
  const versionOf = (env: string, name: string) => snapshot.environments.get(env)?.resources.get(name)?.version?.version;
  const inTheWay = entryInTheWay(snapshot, target);
  const plan: CopyPlan = { changes: {}, resources: [], held: [] };
  // Most resources are alike in both (the same blob at the same place): only the others are sorted and looked at.
  for (const name of [...differingNames(source, target, from, to)].sort()) {
    if (isLocked({ envReasons: [], resourceReasons: targetLocks.resourceReasons }, name)) continue;
    const sourceEntry = from.get(name);
    const targetEntry = to.get(name);
    const relative = (sourceEntry ?? targetEntry)!.file.path.slice(`${sourceEntry ? source : target}/version/`.length);
    const targetPath = `${target}/version/${relative}`;
    // A target file nobody can read that the source no longer has stays: there is no version to compare or carry.
    if (!sourceEntry && !targetEntry?.readable) continue;
    // A write may replace only the resource's own file; one that would also delete what is in its way waits.
    const held = sourceHold(snapshot, source, name, sourceEntry, `${source}/version/${relative}`) ?? (sourceEntry ? (inTheWay(targetPath) ?? keep?.(name)) : undefined);
    if (held) {
      plan.held.push({ name, problem: held });
      continue;
    }
    if (targetEntry && (!sourceEntry || targetEntry.file.path !== targetPath)) plan.changes[targetEntry.file.path] = null;
    if (sourceEntry?.file.content !== undefined) plan.changes[targetPath] = sourceEntry.file.content;
    const before = targetEntry ? versionOf(target, name) : undefined;
    const after = sourceEntry ? versionOf(source, name) : undefined;
    plan.resources.push({
      name,
      change: !targetEntry ? 'added' : sourceEntry ? 'changed' : 'removed',
      ...(before !== undefined ? { from: before } : {}),
      ...(after !== undefined ? { to: after } : {}),
      ...(sourceEntry ? { sourcePath: sourceEntry.file.path, sourceOid: sourceEntry.file.oid } : {}),
      ...(targetEntry ? { targetOid: targetEntry.file.oid } : {}),
    });
  }
  return plan;
}
