// Mirroring a source's version/ folder onto a target's: which files to write and delete, and what that promotes.
import { checkResourceName, isLocked, type Locks, type PromotedResource, type RepoFile, type SnapshotWithFiles } from '@cascade/common';
import type { FileChanges } from '@cascade/common/git';

/** One resource whose version file the copy writes or deletes, with what the shell needs to find its changelog. */
export interface PlannedResource extends PromotedResource {
  /** Source file carried over, and its blob id; absent for a removal. */
  sourcePath?: string;
  sourceOid?: string;
  /** Blob id the target had before; the changelog walk stops at the commit that brought this content to the source. */
  targetOid?: string;
}

/** The file changes of a copy, per resource, in name order. */
export interface CopyPlan {
  changes: FileChanges;
  resources: PlannedResource[];
}

const YAML_ENDING = /\.ya?ml$/;

/** The version files of an environment by resource name; files with names Cascade refuses are left out. */
export function versionFiles(snapshot: SnapshotWithFiles, env: string): Map<string, RepoFile> {
  const prefix = `${env}/version/`;
  const byName = new Map<string, RepoFile>();
  for (const [path, file] of snapshot.files.files) {
    if (!path.startsWith(prefix) || file.kind !== 'file' || !YAML_ENDING.test(path)) continue;
    const name = path.slice(prefix.length).replace(YAML_ENDING, '');
    // A file the parser rejects (bad name) stays where it is: copying it would spread the problem.
    if (checkResourceName(name) !== undefined || file.content === undefined) continue;
    if (!byName.has(name)) byName.set(name, file);
  }
  return byName;
}

/**
 * The changes that make the target's version files equal to the source's, subfolders included: changed and
 * new files are written with the source's bytes, files the source no longer has are deleted (the folder is
 * mirrored), and resources locked in the target are left as they are. `base/`, `deployable/` and locks are
 * never touched.
 */
export function planCopy(snapshot: SnapshotWithFiles, source: string, target: string, targetLocks: Locks): CopyPlan {
  const from = versionFiles(snapshot, source);
  const to = versionFiles(snapshot, target);
  const versionOf = (env: string, name: string) => snapshot.environments.get(env)?.resources.get(name)?.version?.version;
  const changes: FileChanges = {};
  const resources: PlannedResource[] = [];
  for (const name of [...new Set([...from.keys(), ...to.keys()])].sort()) {
    if (isLocked({ envReasons: [], resourceReasons: targetLocks.resourceReasons }, name)) continue;
    const sourceFile = from.get(name);
    const targetFile = to.get(name);
    const targetPath = sourceFile ? `${target}/version/${sourceFile.path.slice(`${source}/version/`.length)}` : undefined;
    if (sourceFile && targetFile && targetFile.path === targetPath && targetFile.oid === sourceFile.oid) continue;
    if (targetFile && targetFile.path !== targetPath) changes[targetFile.path] = null;
    if (sourceFile && targetPath) changes[targetPath] = sourceFile.content ?? null;
    const before = targetFile ? versionOf(target, name) : undefined;
    const after = sourceFile ? versionOf(source, name) : undefined;
    resources.push({
      name,
      change: !targetFile ? 'added' : sourceFile ? 'changed' : 'removed',
      ...(before !== undefined ? { from: before } : {}),
      ...(after !== undefined ? { to: after } : {}),
      ...(sourceFile ? { sourcePath: sourceFile.path, sourceOid: sourceFile.oid } : {}),
      ...(targetFile ? { targetOid: targetFile.oid } : {}),
    });
  }
  return { changes, resources };
}
