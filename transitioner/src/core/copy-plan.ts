// Mirroring a source's version/ folder onto a target's: which files to write and delete, what that promotes,
// and which resources stay as they are because the source cannot say what they should be.
import { classifyPath, isLocked, type HeldResourceReport, type Locks, type Problem, type PromotedResource, type RepoFile, type SnapshotWithFiles } from '@cascade/common';
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
  const files = snapshot.files.files;
  let byEnv = entriesByFiles.get(files);
  if (!byEnv) entriesByFiles.set(files, (byEnv = indexVersionEntries(files)));
  return byEnv.get(env) ?? NO_ENTRIES;
}

const NO_ENTRIES: ReadonlyMap<string, VersionEntry> = new Map();

/**
 * Every environment's version entries, found in one pass over the tree and kept while the tree is: a round asks for
 * them per transition, for its outlook and its decision, and an idle round's tree is the one the last round read.
 */
const entriesByFiles = new WeakMap<ReadonlyMap<string, RepoFile>, Map<string, Map<string, VersionEntry>>>();

function indexVersionEntries(files: ReadonlyMap<string, RepoFile>): Map<string, Map<string, VersionEntry>> {
  const byEnv = new Map<string, Map<string, VersionEntry>>();
  for (const [path, file] of files) {
    // The folder test first: classifying every path of the repo would cost more than the copy.
    const slash = path.indexOf('/');
    if (slash <= 0 || !path.startsWith('/version/', slash)) continue;
    const place = classifyPath(path);
    if (place.kind !== 'resource' || place.folder !== 'version') continue;
    const env = path.slice(0, slash);
    let byName = byEnv.get(env);
    if (!byName) byEnv.set(env, (byName = new Map()));
    if (!byName.has(place.name)) byName.set(place.name, { file, readable: (file.kind === 'file' || file.kind === 'executable') && file.content !== undefined });
  }
  return byEnv;
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
  // Most resources are alike in both (the same blob at the same place): found without building a path, and only
  // the others are sorted and looked at.
  const differing: string[] = [];
  for (const [name, sourceEntry] of from) {
    const targetEntry = to.get(name);
    if (!targetEntry || targetEntry.file.oid !== sourceEntry.file.oid || !samePlace(sourceEntry.file.path, source, targetEntry.file.path, target)) differing.push(name);
  }
  for (const name of to.keys()) if (!from.has(name)) differing.push(name);
  for (const name of differing.sort()) {
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
