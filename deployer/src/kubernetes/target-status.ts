// The per-resource statuses a Kubernetes pass reports, from the plan, what was live and what the server returned. No I/O.
import type { Manifest, ResourceError, ResourceStatus } from '@cascade/common';
import type { EnvironmentPass } from '../targets/target.ts';
import type { ApplyOutcome } from './apply.ts';
import { CONTENT_HASH_ANNOTATION, readAnnotation } from './labels.ts';
import { replannedByResource, type ApplyPlan } from './plan.ts';
import { PlanMemo } from './plan-memo.ts';
import { resourceStatus, type ResourceObservation } from './resource-status.ts';

/** Per-resource statuses: every rendered resource, plus resources whose objects failed to prune; live objects indexed by objectKey. */
export function statuses(pass: EnvironmentPass, plan: ApplyPlan, liveByKey: ReadonlyMap<string, Manifest>, outcome: ApplyOutcome, errors: Array<ResourceError & { resource: string }>, memo = new PlanMemo()): ResourceStatus[] {
  const hashes = new Map(plan.apply.map((a) => [a.key, a.contentHash]));
  // Grouped once by resource: a lookup per resource would make a pass quadratic in the environment's size. A settled
  // resource's objects are its settled objects, so only the others are grouped.
  const renderedByName = new Map(pass.rendered.map((r) => [r.name, r]));
  const plannedByName = replannedByResource(plan);
  const errorsByName = groupBy(errors, (e) => e.resource);
  const result: ResourceStatus[] = [];
  const names = new Set([...renderedByName.keys(), ...errorsByName.keys()]);
  for (const resourceName of sorted([...names])) {
    const rendered = renderedByName.get(resourceName);
    const settled = plan.settled.get(resourceName);
    const resourceErrors = (errorsByName.get(resourceName) ?? []).map(({ resource: _r, ...e }) => e);
    const observation = (): ResourceObservation => {
      const planned = settled?.map((o) => o.unchanged) ?? plannedByName.get(resourceName) ?? [];
      const objects = planned.map((p) => {
        const key = p.key;
        const current = outcome.applied.get(key) ?? liveByKey.get(key);
        // Unchanged objects are, by definition, live with the hash they carry.
        const contentHash = hashes.get(key) ?? hashOf(current);
        return { ref: p.ref, contentHash, ...(current === undefined ? {} : { live: current }) };
      });
      return { name: resourceName, ...(rendered?.ok && rendered.version !== undefined ? { version: rendered.version } : {}), objects, errors: resourceErrors };
    };
    // Settled and without errors: observed as when it settled, so its status is the one made then.
    if (settled !== undefined && resourceErrors.length === 0) result.push(memo.settledStatus(resourceName, settled, () => memo.resourceStatus(observation(), resourceStatus)));
    else result.push(memo.resourceStatus(observation(), resourceStatus));
  }
  memo.endStatuses();
  return result;
}

/** The names in order; the environment lists its resources in order already, so mostly a check rather than a sort. */
function sorted(names: string[]): string[] {
  for (let i = 1; i < names.length; i++) if (names[i - 1]! > names[i]!) return names.sort();
  return names;
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
