// Rollout status from watch events without a pass: after a pass, an event about one of its objects changes only that
// object's resource, as long as the object is still live as Cascade applied it. Anything else (an object deleted,
// changed by hand, unknown to the pass, or a pass with errors) needs a full pass, which this says by answering
// undefined. No I/O.
import type { EnvironmentStatus, Manifest, ResourceStatus, RolloutState } from '@cascade/common';
import { rememberWithoutErrors, stateOfCounts } from '../status/environment-state.ts';
import type { ApplyOutcome } from './apply.ts';
import { findDrift } from './drift.ts';
import { CONTENT_HASH_ANNOTATION, readAnnotation } from './labels.ts';
import type { ObjectRef } from './object-key.ts';
import { objectKey } from './object-key.ts';
import type { ApplyPlan } from './plan.ts';
import type { PlanMemo } from './plan-memo.ts';
import { resourceStatus } from './resource-status.ts';

/** One object a pass wanted, as a later event is checked against it. */
interface PlannedObject {
  resource: string;
  ref: ObjectRef;
  contentHash: string;
  hashed: Manifest;
}

/** What a completed pass leaves for refreshing its status from events. */
export interface PassRecord {
  status: EnvironmentStatus;
  selfHeal: boolean;
  /** Planned objects by objectKey. */
  objects: Map<string, PlannedObject>;
  /** Each resource's planned objects, in the order its status lists them. */
  byResource: Map<string, PlannedObject[]>;
  /** The newest known state of every planned object; absent: not live. */
  live: Map<string, Manifest>;
  /** Where each resource stands in `status.resources`, so an event replaces its entry without a search. */
  positions: Map<string, number>;
  /** How many resources are in each state, so the environment's state follows an event without a count. */
  states: Record<RolloutState, number>;
}

/**
 * The record of a pass that reported no error anywhere (errors may clear on a new attempt, which only a pass makes),
 * or undefined. `live` is what the pass saw, indexed by objectKey; the outcome's objects are newer.
 */
export function recordPass(status: EnvironmentStatus, plan: ApplyPlan, live: ReadonlyMap<string, Manifest>, outcome: ApplyOutcome, selfHeal: boolean): PassRecord | undefined {
  if ((status.errors ?? []).length > 0 || status.resources.some((r) => r.errors.length > 0)) return undefined;
  const record: PassRecord = { status, selfHeal, objects: new Map(), byResource: new Map(), live: new Map(), positions: new Map(), states: { Clean: 0, InProgress: 0, Outdated: 0, Failed: 0 } };
  rememberWithoutErrors(status.resources);
  status.resources.forEach((resource, index) => {
    record.positions.set(resource.name, index);
    record.states[resource.state]++;
  });
  for (const entry of [...plan.apply, ...plan.unchanged]) {
    if (entry.contentHash === undefined || entry.hashed === undefined) return undefined;
    const key = entry.key;
    // The plan's own entry (a settled resource's is the same object pass after pass), not a copy per pass.
    const planned: PlannedObject = entry as PlannedObject;
    record.objects.set(key, planned);
    const siblings = record.byResource.get(entry.resource);
    if (siblings === undefined) record.byResource.set(entry.resource, [planned]);
    else siblings.push(planned);
    const current = outcome.applied.get(key) ?? live.get(key);
    if (current !== undefined) record.live.set(key, current);
  }
  return record;
}

/**
 * The status after `changes` (objectKey → the object now, or undefined once deleted), or undefined when only a
 * pass can tell. Only the resources of changed objects are computed again; the record is updated to match.
 */
export function refreshFromEvents(record: PassRecord, changes: ReadonlyMap<string, Manifest | undefined>, memo?: PlanMemo): EnvironmentStatus | undefined {
  const touched = new Set<string>();
  for (const [key, object] of changes) {
    const planned = record.objects.get(key);
    // An object the pass did not plan (a new one carrying our labels), or one deleted: a pass decides.
    if (planned === undefined || object === undefined) return undefined;
    // Changed by someone else (or by a newer apply): a pass looks at it, and self-heals it when asked to.
    if (readAnnotation(object, CONTENT_HASH_ANNOTATION) !== planned.contentHash) return undefined;
    if (record.selfHeal) {
      const drift = memo === undefined ? findDrift(planned.hashed, object) : memo.findDrift(planned.hashed, object, () => findDrift(planned.hashed, object));
      if (drift.length > 0) return undefined;
    }
    touched.add(planned.resource);
  }
  for (const [key, object] of changes) if (object !== undefined) record.live.set(key, object);
  if (touched.size === 0) return record.status;
  // A copy of the list with the touched resources replaced: the cost follows the events, not the environment's size.
  const resources: ResourceStatus[] = record.status.resources.slice();
  for (const name of touched) {
    const index = record.positions.get(name);
    const before = index === undefined ? undefined : resources[index];
    if (index === undefined || before === undefined) return undefined;
    const objects = (record.byResource.get(name) ?? []).map((p) => {
      const live = record.live.get(objectKey(p.ref));
      return { ref: p.ref, contentHash: p.contentHash, ...(live === undefined ? {} : { live }) };
    });
    const after = resourceStatus({ name, ...(before.version === undefined ? {} : { version: before.version }), objects, errors: [] });
    record.states[before.state]--;
    record.states[after.state]++;
    resources[index] = after;
  }
  // Built from a pass without errors, with none added: later checks need not look through it for one.
  rememberWithoutErrors(resources);
  record.status = { ...record.status, state: stateOfCounts(record.states), resources };
  return record.status;
}
