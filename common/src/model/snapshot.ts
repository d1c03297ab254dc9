// Parsing a whole commit into a Snapshot: every file checked, every problem kept, nothing thrown.
import type { RepoFile, RepoFiles } from '../repo/files.ts';
import type { Problem } from './problem.ts';
import type { DeployerBinding, Environment, Resource, Snapshot, Staging, StagingKind, Transition, TransitionState } from './types.ts';
import { classifyPath, type ResourceFolder } from './classify.ts';
import { failClosedLocks, noLocks } from './locks.ts';
import { checkReadable, locksParser, readParsed, reservedParsers, stagingParser, versionParser } from './file-parsers.ts';
import { environmentNames } from './environments.ts';
import { runSteps, runStepsPausing, type Pause, type Steps } from './steps.ts';
import { attachProblems, envEntryProblems, type PendingProblems } from './attach-problems.ts';

/**
 * Parsed file contents keyed by path and blob id, reused across commits so a new commit re-parses only
 * what changed. A plain Map works; GenerationalCache also forgets what the newest commit no longer uses.
 */
export interface ParseCache {
  get(key: string): unknown;
  set(key: string, value: unknown): unknown;
}

/** Options of parseSnapshot. */
export interface ParseOptions {
  cache?: ParseCache;
}

/** A parsed snapshot plus the raw files it came from, which rendering reads again. */
export interface SnapshotWithFiles extends Snapshot {
  files: RepoFiles;
}

/** Parses every file of a commit into a Snapshot; one bad file never hides the others. */
export function parseSnapshot(repo: RepoFiles, options: ParseOptions = {}): SnapshotWithFiles {
  return runSteps(parseSnapshotSteps(repo, options.cache ?? new Map<string, unknown>()));
}

/**
 * parseSnapshot for a service: awaits `pause` between steps of a few milliseconds each (a large file is parsed in
 * steps too), so a big commit does not keep the process from answering health checks and API calls.
 */
export function parseSnapshotAsync(repo: RepoFiles, options: ParseOptions & { pause: Pause }): Promise<SnapshotWithFiles> {
  return runStepsPausing(parseSnapshotSteps(repo, options.cache ?? new Map<string, unknown>()), options.pause);
}

/** parseSnapshot as steps. */
function* parseSnapshotSteps(repo: RepoFiles, cache: ParseCache): Steps<SnapshotWithFiles> {
  const problems: Problem[] = [];
  const envFolders = new Map<string, Map<ResourceFolder, Map<string, RepoFile>>>();
  const envLocks = new Map<string, RepoFile>();
  const reserved = new Map<string, RepoFile>();
  const pending: PendingProblems = { resources: [], holds: [] };
  const unreadableLocks = new Map<string, Problem>();
  const stagingFiles = new Map<string, RepoFile>();

  for (const file of [...repo.files.values()].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    // A step per file: a pause that finds its time slice not used up costs next to nothing.
    yield;
    const place = classifyPath(file.path);
    if (place.kind === 'ignored') continue;
    if (place.kind === 'invalid') {
      problems.push(place.problem);
      if (place.holdsPrune) pending.holds.push(place.problem);
      continue;
    }
    const unreadable = checkReadable(file);
    if (unreadable) {
      // A resource file stays with its resource (which then fails to render): dropping it would read as "deleted".
      if (place.kind === 'locks') {
        // A locks file fails closed: dropping it would read as "unlocked".
        problems.push({ ...unreadable, env: place.env });
        unreadableLocks.set(place.env, unreadable);
        continue;
      }
      if (place.kind === 'staging') {
        // A staging file stays with its staging, held: dropping it would read as "the staging is gone".
        problems.push({ ...unreadable, staging: place.name });
        stagingFiles.set(place.name, file);
        continue;
      }
      if (place.kind !== 'resource') {
        problems.push(unreadable);
        continue;
      }
      problems.push({ ...unreadable, env: place.env, resource: place.name });
    }
    if (place.kind === 'reserved') reserved.set(place.name, file);
    else if (place.kind === 'staging') stagingFiles.set(place.name, file);
    else if (place.kind === 'locks') envLocks.set(place.env, file);
    else {
      const folders = envFolders.get(place.env) ?? new Map<ResourceFolder, Map<string, RepoFile>>();
      envFolders.set(place.env, folders);
      const byName = folders.get(place.folder) ?? new Map<string, RepoFile>();
      folders.set(place.folder, byName);
      const clash = byName.get(place.name);
      if (clash) {
        const duplicate: Problem = { file: file.path, severity: 'error', code: 'duplicate-resource', message: `resource "${place.name}" is also defined by ${clash.path}; keep one of them`, env: place.env, resource: place.name };
        problems.push(duplicate);
        pending.resources.push(duplicate);
        continue;
      }
      byName.set(place.name, file);
    }
  }

  const transitions = (yield* readParsed(reserved.get('transitions.yaml'), cache, problems, reservedParsers['transitions.yaml'])) ?? ([] as Transition[]);
  const deployers = (yield* readParsed(reserved.get('deployers.yaml'), cache, problems, reservedParsers['deployers.yaml'])) ?? new Map<string, DeployerBinding>();
  const transitionState = (yield* readParsed(reserved.get('transition_state.yaml'), cache, problems, reservedParsers['transition_state.yaml'])) ?? (Object.create(null) as Record<string, TransitionState>);

  const stagingKinds = (yield* readParsed(reserved.get('stagings.yaml'), cache, problems, reservedParsers['stagings.yaml'])) ?? new Map<string, StagingKind>();
  const stagings = yield* collectStagings(stagingFiles, cache, problems);

  // The one definition of an environment (environments.ts): declared, or holding a resource folder; a locks.yaml alone is none.
  const envNames = environmentNames(repo.files.keys(), transitions, deployers.keys());
  for (const [env, file] of envLocks) {
    if (envNames.includes(env)) continue;
    const message = `"${env}" is no environment (it has no base/, deployable/ or version/ folder and neither deployers.yaml nor transitions.yaml names it); these locks apply to nothing`;
    problems.push({ file: file.path, severity: 'warning', code: 'locks-without-environment', message });
  }
  const environments = new Map<string, Environment>();
  for (const name of envNames) {
    const locksFile = envLocks.get(name);
    const brokenLocks = unreadableLocks.get(name);
    const locks = brokenLocks
      ? failClosedLocks(brokenLocks.file, brokenLocks.message)
      : locksFile
      ? ((yield* readParsed(locksFile, cache, problems, locksParser(name))) ?? failClosedLocks(locksFile.path, 'see the problem reported for it'))
      : noLocks();
    const resources = yield* collectResources(name, envFolders.get(name) ?? new Map(), cache, problems);
    environments.set(name, { name, resources, locks });
  }
  // deployers.yaml declares its environments, so one without resource folders exists, with nothing in it yet.
  const withFolders = new Set(environmentNames(repo.files.keys(), [], []));
  for (const env of deployers.keys()) {
    if (!withFolders.has(env)) {
      problems.push({ file: 'deployers.yaml', severity: 'warning', code: 'deployer-unknown-env', message: `deployers.${env}: the repo has no base/, deployable/ or version/ folder in "${env}/" yet`, env });
    }
  }
  const envEntries = envEntryProblems(repo, [...environments.keys(), ...deployers.keys(), ...transitions.flatMap((t) => [t.source, t.target])]);
  problems.push(...envEntries);
  attachProblems(environments, { resources: pending.resources, holds: [...pending.holds, ...envEntries] });
  return { commit: repo.commit, environments, transitions, deployers, transitionState, stagingKinds, stagings, problems, files: repo };
}

/** Parses every staging file; one that cannot be read is kept, held with its problem. */
function* collectStagings(files: Map<string, RepoFile>, cache: ParseCache, problems: Problem[]): Steps<Map<string, Staging>> {
  const stagings = new Map<string, Staging>();
  for (const [name, file] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    yield;
    stagings.set(name, yield* readStaging(name, file, cache, problems));
  }
  return stagings;
}

/** Reads one staging file; an unreadable one (symlink, too large, odd bytes) yields the staging held. */
export function* readStaging(name: string, file: RepoFile, cache: ParseCache, problems: Problem[]): Steps<Staging> {
  const unreadable = checkReadable(file);
  if (unreadable) {
    const held: Problem = { ...unreadable, staging: name };
    return { name, file: file.path, blob: file.oid, kind: '', tag: '', versions: {}, app: {}, deployment: {}, secretKeys: [], state: 'active', problems: [held] };
  }
  const own: Problem[] = [];
  const staging = yield* readParsed(file, cache, own, stagingParser(name, file.oid));
  problems.push(...own);
  if (staging !== undefined) return staging;
  // The file could not be decoded: readParsed reported why.
  return { name, file: file.path, blob: file.oid, kind: '', tag: '', versions: {}, app: {}, deployment: {}, secretKeys: [], state: 'active', problems: own.map((p) => ({ ...p, staging: name })) };
}

/**
 * Pairs base and version files into resources and adds the deployables. A resource whose own files are
 * broken (unreadable, unusable version file, defined twice) stays, carrying its problems: it must keep its
 * live objects, which it would lose if it vanished from the snapshot.
 */
function* collectResources(env: string, folders: Map<ResourceFolder, Map<string, RepoFile>>, cache: ParseCache, problems: Problem[]): Steps<Map<string, Resource>> {
  const resources = new Map<string, Resource>();
  const deployable = folders.get('deployable') ?? new Map<string, RepoFile>();
  const bases = folders.get('base') ?? new Map<string, RepoFile>();
  const versions = folders.get('version') ?? new Map<string, RepoFile>();
  const names = [...new Set([...deployable.keys(), ...bases.keys(), ...versions.keys()])].sort();
  for (const name of names) {
    yield;
    const resource = yield* collectResource(env, name, { whole: deployable.get(name), base: bases.get(name), versionFile: versions.get(name) }, cache, problems);
    if (resource !== undefined) resources.set(name, resource);
  }
  return resources;
}

/** The files that make one resource: a deployable, or a base and a version file. */
export interface ResourceFiles {
  whole: RepoFile | undefined;
  base: RepoFile | undefined;
  versionFile: RepoFile | undefined;
}

/** Builds one resource from its files, adding the problems they have to `problems`; undefined when it has none. */
export function* collectResource(env: string, name: string, { whole, base, versionFile }: ResourceFiles, cache: ParseCache, problems: Problem[]): Steps<Resource | undefined> {
  const files = [whole, base, versionFile].filter((f): f is RepoFile => f !== undefined);
  const own: Problem[] = files.flatMap((f) => checkReadable(f) ?? []).map((p) => ({ ...p, env, resource: name }));
  const blobs = files.map((f) => f.oid);
  if (whole && (base || versionFile)) {
    const duplicate: Problem = { file: whole.path, severity: 'error', code: 'duplicate-resource', message: `resource "${name}" is defined both as a deployable and by ${(base ?? versionFile)?.path}; keep one`, env, resource: name };
    problems.push(duplicate);
    return { name, env, source: { kind: 'deployable', file: whole.path }, blobs, problems: [...own, duplicate] };
  }
  const readable = versionFile !== undefined && checkReadable(versionFile) === undefined;
  const versionProblems: Problem[] = [];
  const version = readable ? yield* readParsed(versionFile, cache, versionProblems, versionParser(env, name)) : undefined;
  problems.push(...versionProblems);
  own.push(...versionProblems.filter((p) => p.severity === 'error'));
  const broken = own.length > 0 ? { problems: own } : {};
  if (whole) return { name, env, source: { kind: 'deployable', file: whole.path }, blobs, ...broken };
  if (base && versionFile) return { name, env, source: { kind: 'template', baseFile: base.path, versionFile: versionFile.path }, ...(version ? { version } : {}), blobs, ...broken };
  if (base) return { name, env, source: { kind: 'unreleased', baseFile: base.path }, blobs, ...broken };
  if (versionFile) {
    // An unreadable entry may not be a version file at all: its own problem comes first.
    if (readable) problems.push({ file: versionFile.path, severity: 'error', code: 'missing-base', message: `version file has no base; add ${env}/base/${name}.yaml or remove it`, env, resource: name });
    return { name, env, source: { kind: 'versionOnly', versionFile: versionFile.path }, ...(version ? { version } : {}), blobs, ...broken };
  }
  return undefined;
}
