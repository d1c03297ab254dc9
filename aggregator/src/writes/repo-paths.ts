// Looking things up in a commit's files while planning a write: which file defines a resource, whether an env exists.
import type { RepoFiles } from '@cascade/common';
import { UneditableFileError } from '@cascade/common';
import { WriteRefusedError } from './errors.ts';

/** The existing `<env>/<folder>/<name>.yaml` (or `.yml`) path, or undefined. */
export function findResourceFile(files: RepoFiles, env: string, folder: 'base' | 'version' | 'deployable', name: string): string | undefined {
  const stem = `${env}/${folder}/${name}`;
  return [`${stem}.yaml`, `${stem}.yml`].find((path) => files.files.has(path));
}

/** Environments of the commit: top-level folders holding locks.yaml or a resource folder. */
export function environmentsOf(files: RepoFiles): string[] {
  const envs = new Set<string>();
  for (const path of files.files.keys()) {
    const match = /^([^/.][^/]*)\/(locks\.ya?ml$|base\/|version\/|deployable\/)/.exec(path);
    if (match?.[1]) envs.add(match[1]);
  }
  return [...envs].sort();
}

/** Throws `unknown-environment` (naming the environments there are) unless `env` exists in the commit. */
export function requireEnvironment(files: RepoFiles, env: string): void {
  const prefix = `${env}/`;
  for (const path of files.files.keys()) if (path.startsWith(prefix)) return;
  const known = environmentsOf(files);
  throw new WriteRefusedError('unknown-environment', 'not-found', `environment "${env}" does not exist; the repo has ${known.join(', ') || 'no environments'}`, { field: 'env', env, environments: known });
}

/** True when any environment defines the resource. */
export function resourceExistsAnywhere(files: RepoFiles, name: string): boolean {
  for (const path of files.files.keys()) {
    const match = /^[^/]+\/(base|version|deployable)\/(.+)\.ya?ml$/.exec(path);
    if (match?.[2] === name) return true;
  }
  return false;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** A file's text for editing, or undefined when absent; throws when it is too large or not UTF-8. */
export function readText(files: RepoFiles, path: string): string | undefined {
  const file = files.files.get(path);
  if (!file) return undefined;
  if (file.kind !== 'file' || file.content === undefined) throw new UneditableFileError(`${path} is not a regular file Cascade can read`);
  try {
    return decoder.decode(file.content);
  } catch {
    throw new UneditableFileError(`${path} is not valid UTF-8`);
  }
}
