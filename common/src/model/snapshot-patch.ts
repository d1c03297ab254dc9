// The next snapshot from the previous one, redoing only the resources whose files changed: a version push costs its own
// resource, not the repo. Anything beyond a clean resource change is left to the full parse, which stays the definition.
import { differingPaths, type RepoFile, type RepoFiles } from '../repo/files.ts';
import { classifyPath, locksPath, resourcePaths, stagingPath, type ResourceFolder } from './classify.ts';
import { checkReadable, locksParser, readParsed } from './file-parsers.ts';
import { noLocks } from './locks.ts';
import type { Problem } from './problem.ts';
import { collectResource, parseSnapshot, readStaging, type ParseCache, type SnapshotWithFiles } from './snapshot.ts';
import { runSteps, type Steps } from './steps.ts';
import type { Environment, Resource, Staging } from './types.ts';

/** Past this many changed paths a full parse is about as cheap, and far simpler to trust. */
export const MAX_PATCHED_PATHS = 500;

/**
 * The snapshot of `files` built from `previous` by recomputing only the resources whose files changed, or undefined
 * when the change reaches beyond them and the full parse must run: a reserved file, a path that is not a
 * resource file of an existing environment, a resource with a problem before or after, an environment left empty.
 * The result equals what parseSnapshot returns for `files` (a property test checks this on random changes).
 */
export function* patchSnapshotSteps(previous: SnapshotWithFiles, files: RepoFiles, cache: ParseCache): Steps<SnapshotWithFiles | undefined> {
  const changed = previous.files.files === files.files ? editedPaths(previous, files) : changedPaths(previous.files, files);
  if (changed === undefined) return undefined;
  const touched = new Map<string, Set<string>>();
  const stagings = new Set<string>();
  const lockEnvs = new Set<string>();
  for (const path of changed) {
    const place = classifyPath(path);
    if (place.kind === 'staging') {
      stagings.add(place.name);
      continue;
    }
    if (place.kind === 'locks' && previous.environments.has(place.env)) {
      lockEnvs.add(place.env);
      continue;
    }
    if (place.kind !== 'resource' || !previous.environments.has(place.env)) return undefined;
    const names = touched.get(place.env) ?? new Set<string>();
    touched.set(place.env, names);
    names.add(place.name);
  }
  // A warning is listed without being attached to its resource: any listed problem of a touched resource means a full parse.
  const withProblems = problemPlaces(previous.problems);
  const environments = new Map(previous.environments);
  for (const [env, names] of touched) {
    const before = previous.environments.get(env)!;
    const resources = new Map(before.resources);
    let added = false;
    for (const name of names) {
      yield;
      const old = resources.get(name);
      if ((old?.problems !== undefined && old.problems.length > 0) || withProblems.has(`${env}\0${name}`)) return undefined;
      const own = resourceFiles(files, env, name);
      if (own === undefined) return undefined;
      const problems: Problem[] = [];
      const resource: Resource | undefined = yield* collectResource(env, name, own, cache, problems);
      if (problems.length > 0 || (resource?.problems !== undefined && resource.problems.length > 0)) return undefined;
      if (resource === undefined) resources.delete(name);
      else {
        added ||= old === undefined;
        resources.set(name, resource);
      }
    }
    // An environment without resources may stop being one (its folders are gone): the full parse decides that.
    if (resources.size === 0) return undefined;
    const environment: Environment = { ...before, resources: added ? sortedByName(resources) : resources };
    environments.set(env, environment);
  }
  // A lock or unlock re-reads that environment's locks.yaml only; a locks file with a problem before or after (it then
  // fails closed, or names an environment that is none) is left to the full parse.
  for (const env of lockEnvs) {
    yield;
    const path = locksPath(env);
    if (previous.problems.some((p) => p.file === path)) return undefined;
    const file = files.files.get(path);
    const problems: Problem[] = [];
    const locks = file === undefined ? noLocks() : yield* readParsed(file, cache, problems, locksParser(env));
    if (file !== undefined && (checkReadable(file) !== undefined || problems.length > 0 || locks === undefined)) return undefined;
    environments.set(env, { ...(environments.get(env) ?? previous.environments.get(env)!), locks: locks! });
  }
  const patchedStagings = yield* patchStagings(previous, files, stagings, cache);
  if (patchedStagings === undefined) return undefined;
  return { ...previous, commit: files.commit, environments, stagings: patchedStagings, files };
}

/** Each problems list's environment-and-resource places, worked out once: patched snapshots keep the list of the one they came from. */
const placesOfProblems = new WeakMap<readonly Problem[], ReadonlySet<string>>();

/** The `env\0resource` places of `problems`, as patchSnapshotSteps looks them up. */
function problemPlaces(problems: readonly Problem[]): ReadonlySet<string> {
  let places = placesOfProblems.get(problems);
  if (places === undefined) placesOfProblems.set(problems, (places = new Set(problems.map((p) => `${p.env ?? ''}\0${p.resource ?? ''}`))));
  return places;
}

/** The stagings with `names` read again; undefined when one has or had a problem, which the full parse lists. */
function* patchStagings(previous: SnapshotWithFiles, files: RepoFiles, names: Set<string>, cache: ParseCache): Steps<Map<string, Staging> | undefined> {
  if (names.size === 0) return previous.stagings;
  const stagings = new Map(previous.stagings);
  for (const name of names) {
    yield;
    if (previous.problems.some((p) => p.staging === name)) return undefined;
    const file = files.files.get(stagingPath(name));
    if (file === undefined) {
      stagings.delete(name);
      continue;
    }
    const problems: Problem[] = [];
    const staging = yield* readStaging(name, file, cache, problems);
    if (problems.length > 0 || (staging.problems ?? []).length > 0) return undefined;
    stagings.set(name, staging);
  }
  // The full parse lists stagings by name.
  return new Map([...stagings].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The paths changed since `previous` in the very map it was read from, edited in place since (the write path's chain
 * of commits): the entries `previous` saw are gone, so only the edit's own account of its paths can tell. Without
 * that account (or past MAX_PATCHED_PATHS) undefined, so the full parse runs rather than a comparison that finds nothing.
 */
function editedPaths(previous: SnapshotWithFiles, files: RepoFiles): readonly string[] | undefined {
  if (files.commit === previous.files.commit) return [];
  const named = files.changes?.since === previous.files.commit ? files.changes.paths : undefined;
  return named === undefined || named.length > MAX_PATCHED_PATHS ? undefined : named;
}

/** Paths whose entry was added, removed or changed between two reads; undefined past MAX_PATCHED_PATHS. */
function changedPaths(before: RepoFiles, after: RepoFiles): string[] | undefined {
  return differingPaths(before, after, sameEntry, MAX_PATCHED_PATHS);
}

function sameEntry(a: RepoFile, b: RepoFile): boolean {
  return a.oid === b.oid && a.kind === b.kind && a.size === b.size;
}

/** A resource's files in the new commit; undefined when a folder holds it twice (`.yaml` and `.yml`), a problem the full parse reports. */
function resourceFiles(files: RepoFiles, env: string, name: string): { whole: RepoFile | undefined; base: RepoFile | undefined; versionFile: RepoFile | undefined } | undefined {
  const one = (folder: ResourceFolder): RepoFile | undefined | null => {
    const [yaml, yml] = resourcePaths(env, folder, name).map((path) => files.files.get(path));
    return yaml !== undefined && yml !== undefined ? null : yaml ?? yml;
  };
  const whole = one('deployable');
  const base = one('base');
  const versionFile = one('version');
  if (whole === null || base === null || versionFile === null) return undefined;
  return { whole, base, versionFile };
}

/** The full parse lists resources by name; an added one must not end up last. */
function sortedByName(resources: Map<string, Resource>): Map<string, Resource> {
  return new Map([...resources].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The snapshot of `files` patched onto `previous`, or undefined when the change needs the full parse (patchSnapshotSteps). */
export function patchSnapshot(previous: SnapshotWithFiles, files: RepoFiles, options: { cache?: ParseCache } = {}): SnapshotWithFiles | undefined {
  return runSteps(patchSnapshotSteps(previous, files, options.cache ?? new Map<string, unknown>()));
}

/** The snapshot of `files`: patched onto `previous` when the change allows, else parsed in full. */
export function nextSnapshot(previous: SnapshotWithFiles, files: RepoFiles, options: { cache?: ParseCache } = {}): SnapshotWithFiles {
  const cache = options.cache ?? new Map<string, unknown>();
  return patchSnapshot(previous, files, { cache }) ?? parseSnapshot(files, { cache });
}
