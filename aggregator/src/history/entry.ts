// Turning a commit into a history entry: its type, environments, resources and versions from trailers and paths.
import type { HistoryEntry } from '@cascade/common/api';
import { readCascadeTrailers } from '@cascade/common/git';
import type { LoggedCommit } from './git-log.ts';

const RESOURCE_PATH = /^([^/.][^/]*)\/(?:base|version|deployable)\/(.+)\.ya?ml$/;
const LOCKS_PATH = /^([^/.][^/]*)\/locks\.ya?ml$/;

/** The history entry of a commit; commits without a `Cascade-Type` trailer Cascade writes are `Manual`. */
export function toHistoryEntry({ info, paths }: LoggedCommit): HistoryEntry {
  const trailers = readCascadeTrailers(info.trailers);
  const environments = new Set([...trailers.env, ...trailers.target]);
  const resources = new Set(trailers.resource);
  for (const path of paths) {
    const resource = RESOURCE_PATH.exec(path);
    if (resource) {
      environments.add(resource[1] as string);
      resources.add(resource[2] as string);
      continue;
    }
    const locks = LOCKS_PATH.exec(path);
    if (locks) environments.add(locks[1] as string);
  }
  return {
    commit: info.commit,
    parents: info.parents,
    type: trailers.type,
    author: info.author,
    time: info.time,
    subject: info.subject,
    body: info.body,
    environments: [...environments].filter(Boolean).sort(),
    resources: [...resources].filter(Boolean).sort(),
    versions: trailers.version,
    trailers: info.trailers,
  };
}
