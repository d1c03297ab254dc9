// Why a copy must leave a resource alone in the target: the source cannot vouch for it, or an entry is in the way.
import type { Problem, SnapshotWithFiles } from '@cascade/common';
import type { VersionEntry } from './copy-plan.ts';

/**
 * Why the source cannot say what a resource should be in the target, or undefined when it can: the resource's
 * own files are broken (unreadable, unparsable, defined twice), or the source lacks it while the source's folder
 * structure is broken, so the absence may be that breakage rather than a removal.
 */
export function sourceHold(snapshot: SnapshotWithFiles, source: string, name: string, entry: VersionEntry | undefined, sourcePath: string): Problem | undefined {
  const environment = snapshot.environments.get(source);
  const problems = environment?.resources.get(name)?.problems ?? [];
  // The version file's own problem says most; any other (a broken base, a second definition) still holds it.
  const own = problems.find((p) => p.file === entry?.file.path) ?? problems[0];
  if (own) return own;
  if (entry) return entry.readable ? undefined : { file: entry.file.path, severity: 'error', code: 'unreadable', message: 'the file could not be read' };
  const holds = versionHolds(snapshot, source);
  // The hold on the entry that hides this path (`latest/version/shop` for `shop/cart`) explains it best.
  return holds.find((p) => sourcePath === p.file || sourcePath.startsWith(`${p.file}/`)) ?? holds[0];
}

/**
 * The source's prune holds that may hide a version file: all but those inside its `base/` and `deployable/`
 * folders (a README there hides no version). While there are any, the source's lack of a file proves nothing.
 */
export function versionHolds(snapshot: SnapshotWithFiles, env: string): Problem[] {
  const elsewhere = [`${env}/base/`, `${env}/deployable/`];
  return (snapshot.environments.get(env)?.pruneHold ?? []).filter((p) => !elsewhere.some((folder) => p.file.startsWith(folder)));
}

/**
 * A check for writes below `<target>/`: what writing a path would delete besides the file at that path (a file
 * where a folder must be, such as a `version` file, or a folder where the file goes), as a problem naming it.
 * Writing it would silently remove what a person put there, or version files of other resources.
 */
export function entryInTheWay(snapshot: SnapshotWithFiles, target: string): (path: string) => Problem | undefined {
  const files = snapshot.files.files;
  // Built on the first write only: most rounds write nothing.
  let folders: Set<string> | undefined;
  const foldersBelowTarget = (): Set<string> => {
    if (folders) return folders;
    folders = new Set();
    for (const path of files.keys()) {
      if (!path.startsWith(`${target}/`)) continue;
      for (let end = path.indexOf('/'); end !== -1; end = path.indexOf('/', end + 1)) folders.add(path.slice(0, end));
    }
    return folders;
  };
  return (path) => {
    const segments = path.split('/');
    const parents = segments.slice(0, -1).map((_, i) => segments.slice(0, i + 1).join('/'));
    // A path that is a file now is no folder (a tree holds one or the other), so only a new path needs the folders.
    const inTheWay = parents.find((parent) => files.has(parent)) ?? (!files.has(path) && foldersBelowTarget().has(path) ? path : undefined);
    if (inTheWay === undefined) return undefined;
    const known = snapshot.problems.find((p) => p.file === inTheWay);
    return known ?? { file: inTheWay, severity: 'error', code: 'entry-in-the-way', message: `writing ${path} would delete ${inTheWay}; move or remove it first` };
  };
}
