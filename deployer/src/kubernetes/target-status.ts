// The per-resource statuses a Kubernetes pass reports, from the plan, what was live and what the server returned. No I/O.
import type { Manifest, RenderedResource, ResourceError, ResourceStatus } from '@cascade/common';
import { madeFrom } from '@cascade/common';
import type { EnvironmentPass } from '../targets/target.ts';
import type { ApplyOutcome } from './apply.ts';
import { CONTENT_HASH_ANNOTATION, readAnnotation } from './labels.ts';
import { replannedByResource, type ApplyPlan } from './plan.ts';
import { PlanMemo } from './plan-memo.ts';
import { resourceStatus } from './resource-status.ts';

/** Per-resource statuses: every rendered resource, plus resources whose objects failed to prune; live objects indexed by objectKey. */
export function statuses(pass: EnvironmentPass, plan: ApplyPlan, liveByKey: ReadonlyMap<string, Manifest>, outcome: ApplyOutcome, errors: Array<ResourceError & { resource: string }>, memo = new PlanMemo()): ResourceStatus[] {
  const hashes = new Map(plan.apply.map((a) => [a.key, a.contentHash]));
  // Grouped once by resource: a lookup per resource would make a pass quadratic in the environment's size. A settled
  // resource's objects are its settled objects, so only the others are grouped.
  const plannedByName = replannedByResource(plan);
  const errorsByName = groupBy(errors, (e) => e.resource);
  // The plan carried the last one over, whose statuses were listed in the same places: only the resources it looked
  // at again need a status; every other one is the one listed last time.
  const carried = plan.lineage?.carried;
  const last = errorsByName.size === 0 && carried !== undefined ? memo.lastStatuses(carried.from, pass.rendered.length) : undefined;
  const positions = last === undefined || memo.lastPlan?.id !== plan.lineage!.id ? undefined : memo.lastPlan.positions;
  if (last !== undefined && positions !== undefined) {
    const result = last.slice();
    memo.carryStatuses();
    const replaced: number[] = [];
    for (const name of carried!.revisited) {
      const index = positions.get(name)!;
      result[index] = statusOf(pass.rendered[index], name);
      replaced.push(index);
    }
    // Deltas and digests from the last list look at these places only.
    madeFrom(result, last, replaced);
    memo.endStatuses(plan.lineage!.id, result);
    return result;
  }
  // The environment lists its resources in order already; only errors of resources it does not render, or a list
  // out of order, need the names gathered and sorted.
  const inOrder = errorsByName.size === 0 && strictlyAscending(pass.rendered);
  const renderedByName = inOrder ? undefined : new Map(pass.rendered.map((r) => [r.name, r]));
  const names = renderedByName === undefined ? undefined : [...new Set([...renderedByName.keys(), ...errorsByName.keys()])].sort();
  const count = names === undefined ? pass.rendered.length : names.length;
  const result: ResourceStatus[] = [];
  for (let index = 0; index < count; index++) {
    const rendered = names === undefined ? pass.rendered[index] : renderedByName!.get(names[index]!);
    result.push(statusOf(rendered, names === undefined ? rendered!.name : names[index]!));
  }
  // Listed in the environment's order without errors: the next pass may carry this list over.
  memo.endStatuses(names === undefined ? plan.lineage?.id : undefined, result);
  return result;

  function statusOf(rendered: RenderedResource | undefined, resourceName: string): ResourceStatus {
    const settled = plan.settled.get(resourceName);
    const ownErrors = errorsByName.get(resourceName);
    // Settled and without errors: observed as when it settled, so its status is the one made then.
    const reusable = settled !== undefined && ownErrors === undefined;
    const reused = reusable ? memo.settledStatus(resourceName, settled) : undefined;
    if (reused !== undefined) return reused;
    const planned = settled?.map((o) => o.unchanged) ?? plannedByName.get(resourceName) ?? [];
    const objects = planned.map((p) => {
      const key = p.key;
      const current = outcome.applied.get(key) ?? liveByKey.get(key);
      // Unchanged objects are, by definition, live with the hash they carry.
      const contentHash = hashes.get(key) ?? hashOf(current);
      return { ref: p.ref, contentHash, ...(current === undefined ? {} : { live: current }) };
    });
    const resourceErrors = (ownErrors ?? []).map(({ resource: _r, ...e }) => e);
    const version = rendered?.ok && rendered.version !== undefined ? { version: rendered.version } : {};
    const status = memo.resourceStatus({ name: resourceName, ...version, objects, errors: resourceErrors }, resourceStatus);
    if (reusable) memo.rememberSettledStatus(settled, status);
    return status;
  }
}

/** Whether every resource's name comes after the one before it (so the names are sorted and distinct). */
function strictlyAscending(rendered: readonly RenderedResource[]): boolean {
  for (let i = 1; i < rendered.length; i++) if (!(rendered[i - 1]!.name < rendered[i]!.name)) return false;
  return true;
}

/** Items by key, each group in the items' order. */
function groupBy<T>(items: Iterable<T>, keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}

/** The content hash an object carries, or an empty string. */
function hashOf(object: Manifest | undefined): string {
  return object === undefined ? '' : readAnnotation(object, CONTENT_HASH_ANNOTATION) ?? '';
}
