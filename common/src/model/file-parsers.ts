// The parsers of the files parseSnapshot reads (reserved files, locks, version files), and reading one through the
// parse cache in steps.
import type { RepoFile } from '../repo/files.ts';
import { MAX_FILE_BYTES } from '../repo/files.ts';
import type { RESERVED_FILES } from './classify.ts';
import { parseDeployersFile } from './deployers.ts';
import { parseLocksFile } from './locks.ts';
import { internalErrorProblem, type Problem } from './problem.ts';
import type { ParseCache } from './snapshot.ts';
import { parseTransitionStateFile } from './transition-state.ts';
import { parseTransitionsFile } from './transitions.ts';
import type { DeployerBinding, Locks, Staging, StagingKind, Transition, TransitionState, VersionData } from './types.ts';
import { parseStagingKindsFile } from './stagings/kinds-file.ts';
import { parseStagingFile } from './stagings/staging-file.ts';
import { parseVersionFile } from './version-file.ts';
import type { Steps } from './steps.ts';
import { parseYamlFileSteps, type YamlSource } from './yaml-file.ts';
import { ValueInterner } from './value-interner.ts';
import type { YamlValue } from './types.ts';

/** What a file parser returns: the file's value and its problems. */
export interface Parsed<T> {
  value: T;
  problems: Problem[];
}

/** Reads one file, given as text or already parsed, into a value and problems. */
export type FileParser<T> = (path: string, source: YamlSource) => Parsed<T>;

/** The parsers of the reserved files at the top of the repo. */
export const reservedParsers: {
  'transitions.yaml': FileParser<Transition[]>;
  'deployers.yaml': FileParser<Map<string, DeployerBinding>>;
  'transition_state.yaml': FileParser<Record<string, TransitionState>>;
  'stagings.yaml': FileParser<Map<string, StagingKind>>;
} = {
  'transitions.yaml': (path, source) => {
    const r = parseTransitionsFile(path, source);
    return { value: r.transitions, problems: r.problems };
  },
  'deployers.yaml': (path, source) => {
    const r = parseDeployersFile(path, source);
    return { value: r.deployers, problems: r.problems };
  },
  'transition_state.yaml': (path, source) => {
    const r = parseTransitionStateFile(path, source);
    return { value: r.state, problems: r.problems };
  },
  'stagings.yaml': (path, source) => {
    const r = parseStagingKindsFile(path, source);
    return { value: r.kinds, problems: r.problems };
  },
} satisfies Record<(typeof RESERVED_FILES)[number], FileParser<unknown>>;

/** The parser of an environment's locks.yaml; its problems belong to the environment. */
export function locksParser(env: string): FileParser<Locks> {
  return (path, source) => {
    const r = parseLocksFile(path, source);
    return { value: r.locks, problems: r.problems.map((p) => ({ ...p, env })) };
  };
}

/** The parser of a version file; its problems belong to its resource. */
export function versionParser(env: string, name: string): FileParser<VersionData | undefined> {
  return (path, source) => {
    const r = parseVersionFile(path, source);
    // Interned strings are strings of their own: the parsed values are slices of the file's text, which they would
    // keep alive for as long as the parse is cached. Maps stay the file's own (emptyMaps: false).
    const data = r.data === undefined ? undefined : (versionStrings.internInPlace(r.data as unknown as YamlValue, { emptyMaps: false }) as unknown as VersionData);
    return { value: data, problems: r.problems.map((p) => ({ ...p, env, resource: name })) };
  };
}

/**
 * The strings of parsed version files, held once for the process: the same version and field values come back in
 * every environment a version was promoted to, and in every file where a template's fields repeat.
 */
const versionStrings = new ValueInterner();

/** The parser of a staging file; a file with problems still yields the staging, held. */
export function stagingParser(name: string, blob: string): FileParser<Staging> {
  return (path, source) => {
    const r = parseStagingFile(path, name, blob, source);
    return { value: r.staging, problems: r.problems };
  };
}

/**
 * Decodes and parses one file in steps, reusing an earlier parse of the same blob at the same path: a blob parses the
 * same at the same path in every commit.
 */
export function* readParsed<T>(file: RepoFile | undefined, cache: ParseCache, problems: Problem[], parse: FileParser<T>): Steps<T | undefined> {
  if (!file) return undefined;
  const key = `${file.path}\0${file.oid}`;
  let entry = cache.get(key) as Parsed<T> | undefined;
  if (!entry) {
    const text = decodeText(file);
    entry = typeof text === 'string' ? yield* parseSafely(file.path, text, parse) : { value: undefined as T, problems: [text] };
    cache.set(key, entry);
  }
  problems.push(...entry.problems);
  return entry.value;
}

/** Parses a file's YAML and runs its parser, turning an unexpected exception into a problem of that file so the other files go on. */
function* parseSafely<T>(path: string, text: string, parse: FileParser<T>): Steps<Parsed<T>> {
  try {
    const yaml = yield* parseYamlFileSteps(path, text);
    return parse(path, yaml);
  } catch (error) {
    return { value: undefined as T, problems: [internalErrorProblem(path, error)] };
  }
}

/** Refuses symlinks, submodules and oversized files before anything reads them. */
export function checkReadable(file: RepoFile): Problem | undefined {
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
