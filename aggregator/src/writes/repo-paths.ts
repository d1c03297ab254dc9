// Looking things up in a commit's files while planning a write: which file defines a resource, whether an env exists.
import type { Locks, RepoEnvironments, RepoFiles, ResourceFolder } from '@cascade/common';
import { classifyPath, locksPath, noLocks, parseLocksFile, RESOURCE_FOLDERS, resourcePaths, UneditableFileError } from '@cascade/common';
import { WriteRefusedError } from './errors.ts';
import { refuseUnreadableSize } from './file-size.ts';

/** The existing `<env>/<folder>/<name>.yaml` (or `.yml`) path, or undefined. */
export function findResourceFile(files: RepoFiles, env: string, folder: ResourceFolder, name: string): string | undefined {
  return resourcePaths(env, folder, name).find((path) => files.files.has(path));
}

/**
 * Throws `unknown-environment`, naming the environments there are, unless `env` is one by common's single definition
 * (named in deployers.yaml or transitions.yaml, or holding base/, deployable/ or version/): a folder with only a
 * locks.yaml or a README is none, so a lock never creates an environment.
 */
export function requireEnvironment(environments: RepoEnvironments, env: string): void {
  if (environments.names.includes(env)) return;
  const known = environments.names;
  const message = `environment "${env}" does not exist (an environment holds base/, deployable/ or version/, or deployers.yaml or transitions.yaml names it); the repo has ${known.join(', ') || 'no environments'}`;
  throw new WriteRefusedError('unknown-environment', 'not-found', message, { field: 'env', env, environments: known });
}

/** Throws `unknown-resource` unless `env` has a base, a version file or a deployable of the resource. */
export function requireResource(files: RepoFiles, env: string, name: string): void {
  if (RESOURCE_FOLDERS.some((folder) => findResourceFile(files, env, folder, name))) return;
  throw new WriteRefusedError('unknown-resource', 'not-found', `resource "${name}" does not exist in ${env} (no ${env}/base/${name}.yaml, version file or deployable)`, { field: 'resource', env, resource: name });
}

/** The environment's locks as the transitioner reads them: what parses counts, no file means nothing locked. */
export function readLocks(files: RepoFiles, env: string): Locks {
  const path = locksPath(env);
  const text = readText(files, path);
  return text === undefined ? noLocks() : parseLocksFile(path, text).locks;
}

/** True when any environment defines the resource. */
export function resourceExistsAnywhere(files: RepoFiles, name: string): boolean {
  for (const path of files.files.keys()) {
    const place = classifyPath(path);
    if (place.kind === 'resource' && place.name === name) return true;
  }
  return false;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** A file's text for editing, or undefined when absent; throws when it is too large or not UTF-8. */
export function readText(files: RepoFiles, path: string): string | undefined {
  const file = files.files.get(path);
  if (!file) return undefined;
  refuseUnreadableSize(path, file);
  if (file.kind !== 'file' || file.content === undefined) throw new UneditableFileError(`${path} is not a regular file Cascade can read`);
  try {
    return decoder.decode(file.content);
  } catch {
    throw new UneditableFileError(`${path} is not valid UTF-8`);
  }
}
