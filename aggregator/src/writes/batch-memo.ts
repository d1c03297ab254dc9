// What every write of a batch reads from the tree, derived once per batch: the environments and each environment's
// locks. Without it each write of a batch of a hundred would re-scan every path and re-parse the same YAML.
import { locksPath, readEnvironments, type Locks, type RepoEnvironments, type RepoFiles } from '@cascade/common';
import type { WriteContext } from '@cascade/common/git';
import { readLocks } from './repo-paths.ts';

/** The files besides the set of paths that readEnvironments reads. */
const ENVIRONMENT_FILES = ['transitions.yaml', 'deployers.yaml'] as const;

/** readEnvironments, reused while the paths and the pipeline files are the same (the memo is per set of paths). */
export function environmentsOf(current: RepoFiles, context: WriteContext | undefined): RepoEnvironments {
  const key = `environments ${ENVIRONMENT_FILES.map((path) => versionOf(current, path)).join(' ')}`;
  return memoized(context, key, () => readEnvironments(current));
}

/** readLocks, reused while the environment's locks.yaml is the same blob. */
export function locksOf(current: RepoFiles, env: string, context: WriteContext | undefined): Locks {
  return memoized(context, `locks ${env} ${versionOf(current, locksPath(env))}`, () => readLocks(current, env));
}

/** A file's blob and kind, or `-` when absent: together with the path, what a parse of it depends on. */
export function versionOf(current: RepoFiles, path: string): string {
  const file = current.files.get(path);
  return file ? `${file.kind}:${file.oid}` : '-';
}

/** `compute()`, kept for the rest of the batch under `key`; the key must name every input the value depends on. */
export function memoized<T>(context: WriteContext | undefined, key: string, compute: () => T): T {
  if (!context) return compute();
  if (context.memo.has(key)) return context.memo.get(key) as T;
  const value = compute();
  context.memo.set(key, value);
  return value;
}
