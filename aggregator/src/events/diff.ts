// What changed between two statuses, as the delta the event stream sends: pure, no I/O.
import { jsonEqual } from '@cascade/common';
import type { AggregatorStatus, HistoryEntry, ResourceView, StatusDelta } from '@cascade/common/api';
import { changedByPlace } from '@cascade/common/api';
import { diffDeployer } from './deployer-diff.ts';

/**
 * The delta from `before` to `after` plus the new commits; null when nothing a client shows changed. Its size follows
 * what changed: resources and deployer reports travel only when they differ.
 */
export function diffStatus(before: AggregatorStatus, after: AggregatorStatus, commits: HistoryEntry[] = []): StatusDelta | null {
  const delta: StatusDelta = { commit: after.commit };
  let changed = before.commit !== after.commit || commits.length > 0;
  for (const key of ['environments', 'transitions', 'problems', 'transitioner', 'stagings'] as const) {
    if (!jsonEqual(before[key], after[key])) {
      (delta as unknown as Record<string, unknown>)[key] = after[key];
      changed = true;
    }
  }
  const deployer = diffDeployer(before.deployer, after.deployer);
  if (deployer.kind === 'patch') delta.deployerPatch = deployer.patch;
  if (deployer.kind === 'replace') delta.deployer = after.deployer;
  changed ||= deployer.kind !== 'same';
  // The same list (only a peer's status changed) has the same resources: nothing to walk.
  const resources = before.resources === after.resources ? undefined : resourcesDelta(before.resources, after.resources);
  if (resources !== undefined) {
    delta.resources = resources;
    changed = true;
  }
  if (commits.length > 0) delta.commits = commits;
  return changed ? delta : null;
}

/** The resources that were added, changed or removed; undefined when none were. */
function resourcesDelta(before: readonly ResourceView[], after: readonly ResourceView[]): NonNullable<StatusDelta['resources']> | undefined {
  // A list that keeps its names (a commit that changed a few resources) is compared place by place, unindexed.
  const inPlace = changedByPlace(before, after);
  if (inPlace !== undefined) return inPlace.length > 0 ? { upsert: inPlace, remove: [] } : undefined;
  const previous = new Map(before.map((r) => [r.name, r]));
  // A view kept from the last status is the same object: no need to compare it field by field.
  const upsert = after.filter((r) => { const old = previous.get(r.name); return old !== r && !jsonEqual(old, r); });
  const kept = new Set(after.map((r) => r.name));
  const remove = before.filter((r) => !kept.has(r.name)).map((r) => r.name);
  return upsert.length > 0 || remove.length > 0 ? { upsert, remove } : undefined;
}

