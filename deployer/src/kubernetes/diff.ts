// What `cascade diff` shows: per object whether it would be created, changed or pruned, and which fields change. No I/O.
import type { Manifest, ResourceError, YamlValue } from '@cascade/common';
import { COMMIT_ANNOTATION } from './labels.ts';
import { byObjectKey, describeRef } from './object-key.ts';
import type { ApplyPlan } from './plan.ts';

/** One line of a diff. */
export interface DiffEntry {
  action: 'create' | 'change' | 'drift' | 'prune';
  resource: string;
  /** `Kind namespace/name`. */
  object: string;
  /** Changed field paths, for `change` and `drift`, from the server-side dry run. */
  changes?: string[];
}

/** The whole diff of one environment. */
export interface EnvironmentDiff {
  env: string;
  commit: string;
  entries: DiffEntry[];
  errors: Array<ResourceError & { resource: string }>;
}

// Fields the server manages on every write; a change in them is not a change anyone made.
const VOLATILE_METADATA = new Set(['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp']);

/** Builds the diff from the plan and what the server's dry run returned per object key. */
export function buildDiff(env: string, commit: string, plan: ApplyPlan, live: Manifest[], dryRun: Map<string, Manifest>, errors: EnvironmentDiff['errors']): EnvironmentDiff {
  const liveByKey = byObjectKey(live);
  const entries: DiffEntry[] = plan.apply.map((action) => {
    const key = action.key;
    const before = liveByKey.get(key);
    const after = dryRun.get(key);
    const entry: DiffEntry = { action: action.reason, resource: action.resource, object: describeRef(action.ref) };
    if (before === undefined || after === undefined) return entry;
    const changes = changedPaths(comparable(before), comparable(after));
    return { ...entry, changes: action.ref.kind === 'Secret' ? secretChanges(changes) : changes };
  });
  for (const p of plan.prune) entries.push({ action: 'prune', resource: p.resource, object: describeRef(p.ref) });
  return { env, commit, entries, errors };
}

// A Secret's payload: a diff says whether it changed, not which of its keys did.
const SECRET_PAYLOAD = new Set(['data', 'stringData']);

/** A Secret's changed paths with everything under `data` and `stringData` shown as `data` (changed) and nothing more. */
export function secretChanges(paths: string[]): string[] {
  return [...new Set(paths.map((path) => (SECRET_PAYLOAD.has(path.split(/[.[]/)[0]!) ? 'data' : path)))];
}

/** Leaf paths that differ between two values, in both directions. */
export function changedPaths(before: YamlValue | undefined, after: YamlValue | undefined, path = ''): string[] {
  const isMap = (v: YamlValue | undefined): v is Record<string, YamlValue> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isMap(before) && isMap(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => changedPaths(before[k], after[k], path === '' ? k : `${path}.${k}`));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, i) => changedPaths(item, after[i], `${path}[${i}]`));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [path === '' ? '.' : path];
}

/** An object without status, server-managed metadata and the commit annotation, which change on every apply. */
function comparable(object: Manifest): Manifest {
  const { status: _status, metadata, ...rest } = object;
  const meta = { ...(metadata as Record<string, YamlValue>) };
  for (const key of VOLATILE_METADATA) delete meta[key];
  const annotations = { ...(meta.annotations as Record<string, YamlValue> | undefined) };
  delete annotations[COMMIT_ANNOTATION];
  return { ...rest, metadata: { ...meta, annotations } };
}
