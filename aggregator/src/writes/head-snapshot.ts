// The parsed snapshot of the head a write is applied to, and what the write plans look up in it. The write path runs a
// write function again on whatever head it builds on, so the snapshot is derived from the files the function receives:
// patched onto the snapshot the aggregator last read, it costs what changed since, not the repo.
import type { Environment, RepoEnvironments, RepoFiles, Resource, SnapshotWithFiles } from '@cascade/common';
import { closestName, parseSnapshot, patchSnapshot, resourcePaths } from '@cascade/common';
import type { WriteContext } from '@cascade/common/git';
import { memoized } from './batch-memo.ts';
import { WriteRefusedError } from './errors.ts';

/**
 * Derives the snapshot of the tree a write is applied to (the aggregator's: `AggregatorState.snapshotOf`). `previous`,
 * when given, is the snapshot of the head before in the write's chain, which `current.changes` counts from.
 */
export type HeadSnapshots = (current: RepoFiles, previous?: SnapshotWithFiles) => SnapshotWithFiles;

/** Each head parsed in full, or patched onto the head before it in the chain: for plans run on a tree alone (tests, tools). */
export const parsedHeads: HeadSnapshots = (current, previous) => (previous === undefined ? undefined : patchSnapshot(previous, current)) ?? parseSnapshot(current);

/**
 * The snapshot of `current`, derived once per head in a batch: a head is named by its commit, which fixes every file.
 * A head after another of the batch is patched onto that one's snapshot with the paths its write changed, so each write
 * of a batch costs its own change, not every change the batch made before it.
 */
export function headSnapshot(current: RepoFiles, context: WriteContext | undefined, heads: HeadSnapshots): SnapshotWithFiles {
  return memoized(context, snapshotKey(current.commit), () => {
    const since = current.changes?.since;
    const previous = since === undefined ? undefined : (context?.memo.get(snapshotKey(since)) as SnapshotWithFiles | undefined);
    return heads(current, previous);
  });
}

function snapshotKey(commit: string): string {
  return `snapshot ${commit}`;
}

/** The snapshot's environments in pipeline order, with the transitions that order them (what push-rules.ts reads). */
export function environmentsOf(snapshot: SnapshotWithFiles): RepoEnvironments {
  return { names: [...snapshot.environments.keys()], transitions: snapshot.transitions };
}

/**
 * The environment `env`; throws `unknown-environment`, naming the environments there are, unless it is one by common's
 * single definition (named in deployers.yaml or transitions.yaml, or holding base/, deployable/ or version/): a folder
 * with only a locks.yaml or a README is none, so a lock never creates an environment.
 */
export function requireEnvironment(snapshot: SnapshotWithFiles, env: string): Environment {
  const environment = snapshot.environments.get(env);
  if (environment !== undefined) return environment;
  const known = [...snapshot.environments.keys()];
  const suggestion = closestName(env, known);
  const message = `environment "${env}" does not exist${suggestion ? ` (did you mean ${suggestion}?)` : ''}; the repo has ${known.join(', ') || 'no environments'} (an environment holds base/, deployable/ or version/, or deployers.yaml or transitions.yaml names it)`;
  throw new WriteRefusedError('unknown-environment', 'not-found', message, { field: 'env', env, environments: known, ...(suggestion ? { suggestion } : {}) });
}

/** The resource in `environment`; throws `unknown-resource` unless it has a base, a version file or a deployable there. */
export function requireResource(environment: Environment, name: string): Resource {
  const resource = environment.resources.get(name);
  if (resource !== undefined) return resource;
  const env = environment.name;
  const suggestion = closestName(name, environment.resources.keys());
  const message = `resource "${name}" does not exist in ${env}${suggestion ? `; did you mean ${suggestion}?` : ''} (no ${env}/base/${name}.yaml, version file or deployable)`;
  throw new WriteRefusedError('unknown-resource', 'not-found', message, { field: 'resource', env, resource: name, ...(suggestion ? { suggestion } : {}) });
}

/** True when any environment defines the resource. */
export function definedAnywhere(snapshot: SnapshotWithFiles, name: string): boolean {
  for (const environment of snapshot.environments.values()) if (environment.resources.has(name)) return true;
  return false;
}

/**
 * The path of the resource's base or version file: its source in the snapshot. A resource defined both as a deployable
 * and by a base or version file keeps only the deployable as its source; that is a problem of the resource, which
 * still has its other file, and a writer must not treat it as absent, so that file is found by its path.
 */
export function resourceFile(snapshot: SnapshotWithFiles, resource: Resource | undefined, folder: 'base' | 'version'): string | undefined {
  if (resource === undefined) return undefined;
  const { source } = resource;
  if (folder === 'base' && 'baseFile' in source) return source.baseFile;
  if (folder === 'version' && 'versionFile' in source) return source.versionFile;
  if (source.kind !== 'deployable' || resource.problems === undefined) return undefined;
  return resourcePaths(resource.env, folder, resource.name).find((path) => snapshot.files.files.has(path));
}
