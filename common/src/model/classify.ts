// Sorting the paths of a commit into what Cascade understands: reserved files, environments and their parts.
import type { Problem } from './problem.ts';
import { checkEnvName, checkResourceName, printable, stripYamlExtension } from './names.ts';
import { StringTable } from '../repo/string-table.ts';

/** Files at the top of the repo that Cascade reads. */
export const RESERVED_FILES = ['deployers.yaml', 'transitions.yaml', 'transition_state.yaml', 'stagings.yaml'] as const;

/** The folder of staging files (`stagings/<name>.yaml`); no environment may have its name. */
export const STAGINGS_FOLDER = 'stagings';

/** Folders inside an environment that hold resources. */
export const RESOURCE_FOLDERS = ['deployable', 'base', 'version'] as const;

/** One of the three folders that hold resources. */
export type ResourceFolder = (typeof RESOURCE_FOLDERS)[number];

/** What a path of the repo is, once classified. */
export type ClassifiedPath =
  | { kind: 'reserved'; name: (typeof RESERVED_FILES)[number] }
  | { kind: 'locks'; env: string }
  /** `stagings/<name>.yaml`: one staging. */
  | { kind: 'staging'; name: string }
  | { kind: 'resource'; env: string; folder: ResourceFolder; name: string }
  | { kind: 'ignored' }
  /** `holdsPrune`: the path lies in an environment's resource folders, so one of its resources may be missing. */
  | { kind: 'invalid'; problem: Problem; holdsPrune?: boolean };

const ENV_ENTRIES = ['locks.yaml', ...RESOURCE_FOLDERS];

/** The paths a resource's file in `folder` may have, the one Cascade writes (`.yaml`) first: the inverse of classifyPath. */
export function resourcePaths(env: string, folder: ResourceFolder, name: string): [string, string] {
  return [`${env}/${folder}/${name}.yaml`, `${env}/${folder}/${name}.yml`];
}

/** The environment's locks file: the only name classifyPath reads as locks, so a lock written anywhere else would bind nothing. */
export function locksPath(env: string): string {
  return `${env}/locks.yaml`;
}

/**
 * Environment and resource names, held once: each environment's name is in thousands of paths, and each resource's
 * in two (base and version). The names it hands out keep nothing of the path they were sliced from (see
 * detachedString): what is classified may be kept for every path of the repo.
 */
const placeNames = new StringTable(50_000, 1024);

/** What the checks of a path's first segment found: a reserved name it looks like a typo of, and what is wrong with it as an environment's name. */
interface TopVerdict {
  reservedTypo: string | undefined;
  envProblem: string | undefined;
}

// Thousands of paths share each first segment (an environment's folder), and its checks (edit distances to the
// reserved names) cost more than the rest of a path's. Paths are not remembered one by one: at 10,000 resources × 4
// that memo held 14 MiB per process, to save a classification only walks of every path repeat.
const topVerdicts = new Map<string, TopVerdict>();
const MAX_TOP_VERDICTS = 10_000;

/** The checks of first segment `top`, worked out once per segment. */
function verdictOf(top: string): TopVerdict {
  let verdict = topVerdicts.get(top);
  if (verdict === undefined) {
    if (topVerdicts.size >= MAX_TOP_VERDICTS) topVerdicts.clear();
    verdict = { reservedTypo: typoOf(top, RESERVED_FILES), envProblem: checkEnvName(top) };
    topVerdicts.set(placeNames.intern(top), verdict);
  }
  return verdict;
}

/** What every ignored path is classified as. */
const IGNORED: ClassifiedPath = Object.freeze({ kind: 'ignored' });

/** Classifies one path; anything that looks like a typo of a reserved name is invalid, the rest ignored. The result is shared: do not change it. */
export function classifyPath(path: string): ClassifiedPath {
  const segments = path.split('/');
  const [top, second] = segments;
  if (segments.some((s) => s === '' || s === '.' || s === '..') || path.includes('\0')) {
    const result = invalid(path, 'bad-path', `path "${printable(path)}" is absolute or has empty, "." or ".." segments, or a NUL byte`);
    return top !== undefined && RESOURCE_FOLDERS.some((f) => f === second) ? holding(top, result) : result;
  }
  if (top === undefined) return IGNORED;
  if (segments.length === 1) {
    if ((RESERVED_FILES as readonly string[]).includes(top)) return { kind: 'reserved', name: top as (typeof RESERVED_FILES)[number] };
    return reservedTypo(path, top, typoOf(top, RESERVED_FILES)) ?? IGNORED;
  }
  if (top.startsWith('.') || second === undefined) return IGNORED;
  if (top === STAGINGS_FOLDER) return classifyStagingPath(path, segments);
  const verdict = verdictOf(top);
  const typoOfReserved = reservedTypo(path, top, verdict.reservedTypo);
  if (typoOfReserved) return typoOfReserved;
  if (segments.length === 2 && second === 'locks.yaml') return withEnv(path, verdict, { kind: 'locks', env: placeNames.intern(top) });
  const folder = RESOURCE_FOLDERS.find((f) => f === second);
  if (folder !== undefined && segments.length === 2) {
    const message = `${top}/${folder} must be a folder, not a file or symlink; until it is, the resources of ${top} are unknown and nothing there is pruned`;
    return withEnv(path, verdict, holding(top, invalid(path, 'not-a-folder', message)));
  }
  if (folder === undefined || segments.length === 2) {
    // An env folder may hold a README or similar; only near-misses of our names are worth an error.
    const typo = reservedTypo(path, second, typoOf(second, ENV_ENTRIES));
    // A misspelt folder (`deployables/x.yaml`) hides resources that were probably meant to stay.
    return typo && segments.length > 2 ? holding(top, typo) : typo ?? IGNORED;
  }
  const rest = segments.slice(2).join('/');
  const basename = segments[segments.length - 1] ?? '';
  if (basename.startsWith('.')) return IGNORED;
  const name = stripYamlExtension(rest);
  if (name === undefined) {
    return holding(top, invalid(path, 'not-yaml', `only .yaml or .yml files belong in ${top}/${folder}/; rename or move "${printable(basename)}" (nothing in ${top} is pruned meanwhile)`, 'warning'));
  }
  const nameProblem = checkResourceName(name);
  if (nameProblem) return holding(top, invalid(path, 'bad-name', `resource name "${printable(name)}" ${nameProblem}`));
  return withEnv(path, verdict, { kind: 'resource', env: placeNames.intern(top), folder, name: placeNames.intern(name) });
}

/** A path below `stagings/`: a staging file, a README or similar (ignored), or a misplaced file (reported). */
function classifyStagingPath(path: string, segments: string[]): ClassifiedPath {
  const basename = segments[segments.length - 1] ?? '';
  if (basename.startsWith('.')) return IGNORED;
  const name = stripYamlExtension(basename);
  if (name === undefined) return IGNORED;
  if (segments.length > 2) return invalid(path, 'staging-nested', `staging files belong directly in stagings/ (stagings/<name>.yaml); "${printable(path)}" is ignored`, 'warning');
  if (basename.endsWith('.yml')) return invalid(path, 'staging-extension', `name staging files stagings/<name>.yaml; "${printable(path)}" is ignored`, 'warning');
  return { kind: 'staging', name };
}

/** The path of staging `name`'s file: the inverse of classifyPath for stagings. */
export function stagingPath(name: string): string {
  return `${STAGINGS_FOLDER}/${name}.yaml`;
}

/** Checks the environment folder's name before accepting something inside it. */
function withEnv(path: string, verdict: TopVerdict, result: ClassifiedPath): ClassifiedPath {
  return verdict.envProblem ? invalid(path, 'bad-env-name', verdict.envProblem) : result;
}

/** Marks an invalid path inside an environment's resource folders as holding that environment's pruning. */
function holding(env: string, result: ClassifiedPath): ClassifiedPath {
  if (result.kind !== 'invalid' || checkEnvName(env) !== undefined) return result;
  return { kind: 'invalid', problem: { ...result.problem, env }, holdsPrune: true };
}

/** An invalid-path result with a located problem. */
function invalid(file: string, code: string, message: string, severity: 'error' | 'warning' = 'error'): ClassifiedPath {
  return { kind: 'invalid', problem: { file, severity, code, message } };
}

/** The reserved name (`transitions.yaml`, `deployable`) that `name` is within two edits of, a likely typo. */
function typoOf(name: string, reserved: readonly string[]): string | undefined {
  for (const candidate of reserved) {
    if (name === candidate) return undefined;
    // Lengths more than two apart are more than two edits apart: skip the distance, which every path would pay.
    const lower = name.toLowerCase();
    const near = Math.abs(lower.length - candidate.length) <= 2 && editDistance(lower, candidate) <= 2;
    if (bare(name) === bare(candidate) || near) return candidate;
  }
  return undefined;
}

/** The problem of `name` in `path` being a likely typo of `candidate`; undefined without one. */
function reservedTypo(path: string, name: string, candidate: string | undefined): ClassifiedPath | undefined {
  return candidate === undefined ? undefined : invalid(path, 'reserved-typo', `"${printable(name)}" looks like a typo of "${candidate}"; Cascade ignores it as it is`);
}

/** A name without its YAML extension. */
function bare(name: string): string {
  return name.replace(/\.ya?ml$/, '');
}

/** Levenshtein distance, small inputs only. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
