// Turning a commit into a history entry: its type, environments, resources, versions, stagings and moves from trailers, paths and a promotion's body.
import type { HistoryEntry } from '@cascade/common/api';
import { classifyPath } from '@cascade/common';
import type { CommitInfo } from '@cascade/common/git';
import { readCascadeTrailers } from '@cascade/common/git';
import { promotionMoves } from './moves.ts';

/** The history entry of a commit; commits without a `Cascade-Type` trailer Cascade writes are `Manual`. */
export function toHistoryEntry(info: CommitInfo): HistoryEntry {
  const trailers = readCascadeTrailers(info.trailers);
  const environments = new Set([...trailers.env, ...trailers.target]);
  const resources = new Set(trailers.resource);
  const stagings = new Set(trailers.staging);
  for (const { path } of info.changes ?? []) {
    const place = classifyPath(path);
    if (place.kind === 'resource') {
      environments.add(place.env);
      resources.add(place.name);
    } else if (place.kind === 'locks') {
      environments.add(place.env);
    } else if (place.kind === 'staging') {
      // A person's edit of a staging file has no trailer; its path still says which staging it changed.
      stagings.add(place.name);
    } else if (place.kind === 'invalid' && place.problem.env !== undefined) {
      // A broken file still concerns its environment: the history should show who touched it.
      environments.add(place.problem.env);
    }
  }
  // A promotion writes into one target; its body names what moved there.
  const target = trailers.target[0];
  const moves = trailers.type === 'Transition' && target !== undefined ? promotionMoves(info.body, target) : [];
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
    ...(stagings.size > 0 ? { stagings: [...stagings].filter(Boolean).sort() } : {}),
    ...(moves.length > 0 ? { moves } : {}),
    trailers: info.trailers,
  };
}
