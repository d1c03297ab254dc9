// `<env>/locks.yaml`: the environment lock and per-resource locks, each a list of reasons.
import type { Problem } from './problem.ts';
import type { Locks } from './types.ts';
import { checkResourceName } from './names.ts';
import { isPlainMap, nodeAt, readSingleDocument, problemAt, type YamlFile, type YamlSource } from './yaml-file.ts';
import type { Document } from 'yaml';

/** Locks of an environment without a locks.yaml: nothing locked. */
export function noLocks(): Locks {
  // No prototype: a resource named `constructor` must not find Object's constructor as its reasons.
  return { envReasons: [], resourceReasons: Object.create(null) as Record<string, string[]> };
}

/**
 * Locks of an environment whose locks.yaml cannot be read or parsed: the whole environment counts as locked, since
 * the file may well say so. A broken lock file must stop promotions into a frozen prod, not wave them through.
 */
export function failClosedLocks(file: string, why: string): Locks {
  return { envReasons: [unreadableReason(file, why)], resourceReasons: Object.create(null) as Record<string, string[]> };
}

/** The lock reason that stands in for a lock Cascade cannot read. */
function unreadableReason(where: string, why: string): string {
  return `${where} cannot be read (${why}); it counts as locked until someone fixes it`;
}

/** The reasons of one resource's own lock (empty when it has none); own keys only, since a resource may be named `constructor`. */
export function resourceLockReasons(locks: Locks, resource: string): string[] {
  return Object.hasOwn(locks.resourceReasons, resource) ? (locks.resourceReasons[resource] ?? []) : [];
}

/** True when the environment lock or the resource's own lock has a reason. */
export function isLocked(locks: Locks, resource?: string): boolean {
  if (locks.envReasons.length > 0) return true;
  return resource !== undefined && resourceLockReasons(locks, resource).length > 0;
}

/** Parses locks.yaml; a malformed file or entry is reported and counts as locked (fail closed), the rest still counts. */
export function parseLocksFile(file: string, source: YamlSource): { locks: Locks; problems: Problem[] } {
  const locks = noLocks();
  const read = readSingleDocument(file, source);
  if ('problems' in read) return { locks: failClosedLocks(file, read.problems[0]?.message ?? 'invalid YAML'), problems: read.problems };
  const { yaml, doc, value } = read;
  if (doc === undefined) return { locks, problems: [] };
  if (!isPlainMap(value)) {
    return { locks: failClosedLocks(file, 'not a map'), problems: [problemAt(yaml, doc.contents, 'locks-not-map', 'locks.yaml must be a map with env_lock and resource_locks')] };
  }
  const problems: Problem[] = [];
  for (const key of Object.keys(value)) {
    if (key !== 'env_lock' && key !== 'resource_locks') {
      problems.push(problemAt(yaml, nodeAt(doc, [key]), 'locks-unknown-key', `unknown key "${key}"; expected env_lock or resource_locks`));
    }
  }
  locks.envReasons = reasonsOf(yaml, doc, ['env_lock'], value['env_lock'], problems, file);
  const resourceLocks = value['resource_locks'];
  if (isPlainMap(resourceLocks)) {
    for (const [resource, entry] of Object.entries(resourceLocks)) {
      const nameProblem = checkResourceName(resource);
      if (nameProblem) {
        problems.push(problemAt(yaml, nodeAt(doc, ['resource_locks', resource]), 'locks-bad-name', `resource_locks: name "${resource}" ${nameProblem}`));
        continue;
      }
      const reasons = reasonsOf(yaml, doc, ['resource_locks', resource], entry, problems, file);
      if (reasons.length > 0) locks.resourceReasons[resource] = reasons;
    }
  } else if (resourceLocks !== undefined && resourceLocks !== null) {
    problems.push(problemAt(yaml, nodeAt(doc, ['resource_locks']), 'locks-bad-shape', 'resource_locks must be a map of resource name to { reasons: [...] }'));
    // Which resources it meant to lock is unknowable, so the whole environment is.
    locks.envReasons = [...locks.envReasons, unreadableReason(`${file} resource_locks`, 'not a map')];
  }
  return { locks, problems };
}

/** Reads `{ reasons: [strings] }`; a missing or null entry means unlocked, a malformed one locked (with a reason saying so). */
function reasonsOf(yaml: YamlFile, doc: Document.Parsed, path: string[], entry: unknown, problems: Problem[], file: string): string[] {
  if (entry === undefined || entry === null) return [];
  const reasons = isPlainMap(entry) ? entry['reasons'] : undefined;
  if (!isPlainMap(entry) || (reasons !== undefined && reasons !== null && !Array.isArray(reasons))) {
    problems.push(problemAt(yaml, nodeAt(doc, path), 'locks-bad-shape', `${path.join('.')} must be { reasons: [ "why" ] }`));
    return [unreadableReason(`${file} ${path.join('.')}`, 'not { reasons: [...] }')];
  }
  if (!Array.isArray(reasons)) return [];
  const valid: string[] = [];
  reasons.forEach((reason, index) => {
    if (typeof reason === 'string' && reason.trim() !== '') valid.push(reason);
    else problems.push(problemAt(yaml, nodeAt(doc, [...path, 'reasons', index]), 'locks-bad-reason', `${path.join('.')}.reasons[${index}] must be a non-empty string`));
  });
  // A reason that is not text is still someone's intent to lock.
  if (valid.length < reasons.length) valid.push(unreadableReason(`${file} ${path.join('.')}.reasons`, 'an entry is not text'));
  return valid;
}
