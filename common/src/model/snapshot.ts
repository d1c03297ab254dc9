// Parsing a whole commit into a Snapshot: every file checked, every problem kept, nothing thrown.
import type { RepoFile, RepoFiles } from '../repo/files.ts';
import { MAX_FILE_BYTES } from '../repo/files.ts';
import { internalErrorProblem, type Problem } from './problem.ts';
import type { DeployerBinding, Environment, Resource, Snapshot, Transition, TransitionState, VersionData } from './types.ts';
import { classifyPath, type ResourceFolder } from './classify.ts';
import { failClosedLocks, noLocks, parseLocksFile } from './locks.ts';
import { parseVersionFile } from './version-file.ts';
import { parseTransitionsFile } from './transitions.ts';
import { parseDeployersFile } from './deployers.ts';
import { parseTransitionStateFile } from './transition-state.ts';
import { environmentNames } from './environments.ts';
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
  const cache = options.cache ?? new Map<string, unknown>();
  const problems: Problem[] = [];
  const envFolders = new Map<string, Map<ResourceFolder, Map<string, RepoFile>>>();
  const envLocks = new Map<string, RepoFile>();
  const reserved = new Map<string, RepoFile>();
  const pending: PendingProblems = { resources: [], holds: [] };
  const unreadableLocks = new Map<string, Problem>();

  for (const file of [...repo.files.values()].sort((a, b) => (a.path < b.path ? -1 : 1))) {
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
      if (place.kind !== 'resource') {
        problems.push(unreadable);
        continue;
      }
      problems.push({ ...unreadable, env: place.env, resource: place.name });
    }
    if (place.kind === 'reserved') reserved.set(place.name, file);
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

  const transitions = readParsed(reserved.get('transitions.yaml'), cache, problems, (f, t) => {
    const r = parseTransitionsFile(f, t);
    return { value: r.transitions, problems: r.problems };
  }) ?? ([] as Transition[]);
  const deployers = readParsed(reserved.get('deployers.yaml'), cache, problems, (f, t) => {
    const r = parseDeployersFile(f, t);
    return { value: r.deployers, problems: r.problems };
  }) ?? new Map<string, DeployerBinding>();
  const transitionState = readParsed(reserved.get('transition_state.yaml'), cache, problems, (f, t) => {
    const r = parseTransitionStateFile(f, t);
    return { value: r.state, problems: r.problems };
  }) ?? (Object.create(null) as Record<string, TransitionState>);

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
      ? (readParsed(locksFile, cache, problems, (f, t) => {
          const r = parseLocksFile(f, t);
          return { value: r.locks, problems: r.problems.map((p) => ({ ...p, env: name })) };
        }) ?? failClosedLocks(locksFile.path, 'see the problem reported for it'))
      : noLocks();
    const resources = collectResources(name, envFolders.get(name) ?? new Map(), cache, problems);
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
  return { commit: repo.commit, environments, transitions, deployers, transitionState, problems, files: repo };
}

/**
 * Pairs base and version files into resources and adds the deployables. A resource whose own files are
 * broken (unreadable, unusable version file, defined twice) stays, carrying its problems: it must keep its
 * live objects, which it would lose if it vanished from the snapshot.
 */
function collectResources(env: string, folders: Map<ResourceFolder, Map<string, RepoFile>>, cache: ParseCache, problems: Problem[]): Map<string, Resource> {
  const resources = new Map<string, Resource>();
  const deployable = folders.get('deployable') ?? new Map<string, RepoFile>();
  const bases = folders.get('base') ?? new Map<string, RepoFile>();
  const versions = folders.get('version') ?? new Map<string, RepoFile>();
  const names = [...new Set([...deployable.keys(), ...bases.keys(), ...versions.keys()])].sort();
  for (const name of names) {
    const whole = deployable.get(name);
    const base = bases.get(name);
    const versionFile = versions.get(name);
    const files = [whole, base, versionFile].filter((f): f is RepoFile => f !== undefined);
    const own: Problem[] = files.flatMap((f) => checkReadable(f) ?? []).map((p) => ({ ...p, env, resource: name }));
    const blobs = files.map((f) => f.oid);
    if (whole && (base || versionFile)) {
      const duplicate: Problem = { file: whole.path, severity: 'error', code: 'duplicate-resource', message: `resource "${name}" is defined both as a deployable and by ${(base ?? versionFile)?.path}; keep one`, env, resource: name };
      problems.push(duplicate);
      resources.set(name, { name, env, source: { kind: 'deployable', file: whole.path }, blobs, problems: [...own, duplicate] });
      continue;
    }
    const readable = versionFile !== undefined && checkReadable(versionFile) === undefined;
    const versionProblems: Problem[] = [];
    const version = readable ? readVersion(versionFile, env, name, cache, versionProblems) : undefined;
    problems.push(...versionProblems);
    own.push(...versionProblems.filter((p) => p.severity === 'error'));
    const broken = own.length > 0 ? { problems: own } : {};
    if (whole) {
      resources.set(name, { name, env, source: { kind: 'deployable', file: whole.path }, blobs, ...broken });
    } else if (base && versionFile) {
      resources.set(name, { name, env, source: { kind: 'template', baseFile: base.path, versionFile: versionFile.path }, ...(version ? { version } : {}), blobs, ...broken });
    } else if (base) {
      resources.set(name, { name, env, source: { kind: 'unreleased', baseFile: base.path }, blobs, ...broken });
    } else if (versionFile) {
      // An unreadable entry may not be a version file at all: its own problem comes first.
      if (readable) problems.push({ file: versionFile.path, severity: 'error', code: 'missing-base', message: `version file has no base; add ${env}/base/${name}.yaml or remove it`, env, resource: name });
      resources.set(name, { name, env, source: { kind: 'versionOnly', versionFile: versionFile.path }, ...(version ? { version } : {}), blobs, ...broken });
    }
  }
  return resources;
}

/** Parses a version file through the cache. */
function readVersion(file: RepoFile, env: string, name: string, cache: ParseCache, problems: Problem[]): VersionData | undefined {
  return readParsed(file, cache, problems, (path, text) => {
    const result = parseVersionFile(path, text);
    return { value: result.data, problems: result.problems.map((p) => ({ ...p, env, resource: name })) };
  });
}

/** Decodes and parses one file, reusing an earlier parse of the same blob at the same path. */
function readParsed<T>(file: RepoFile | undefined, cache: ParseCache, problems: Problem[], parse: (path: string, text: string) => { value: T; problems: Problem[] }): T | undefined {
  if (!file) return undefined;
  const key = `${file.path}\0${file.oid}`;
  let entry = cache.get(key) as { value: T; problems: Problem[] } | undefined;
  if (!entry) {
    const text = decodeText(file);
    entry = typeof text === 'string' ? parseSafely(file.path, text, parse) : { value: undefined as T, problems: [text] };
    cache.set(key, entry);
  }
  problems.push(...entry.problems);
  return entry.value;
}

/** Runs a file parser, turning an unexpected exception into a problem of that file so the other files go on. */
function parseSafely<T>(path: string, text: string, parse: (path: string, text: string) => { value: T; problems: Problem[] }): { value: T; problems: Problem[] } {
  try {
    return parse(path, text);
  } catch (error) {
    return { value: undefined as T, problems: [internalErrorProblem(path, error)] };
  }
}

/** Refuses symlinks, submodules and oversized files before anything reads them. */
function checkReadable(file: RepoFile): Problem | undefined {
  const at = (code: string, message: string): Problem => ({ file: file.path, severity: 'error', code, message });
  if (file.kind === 'symlink') return at('symlink', 'symlinks are not allowed in a resource repo; commit the file itself');
  if (file.kind === 'submodule') return at('submodule', 'submodules are not allowed in a resource repo');
  if (file.size > MAX_FILE_BYTES) return at('too-large', `file is ${(file.size / 1048576).toFixed(1)} MB, over the ${MAX_FILE_BYTES / 1048576} MB bound`);
  return undefined;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8 strictly, so odd bytes are reported instead of silently replaced. */
export function decodeText(file: RepoFile): string | Problem {
  if (file.content === undefined) return { file: file.path, severity: 'error', code: 'unreadable', message: 'file content could not be read' };
  try {
    return decoder.decode(file.content);
  } catch {
    return { file: file.path, severity: 'error', code: 'not-utf8', message: 'file is not valid UTF-8 text' };
  }
}
