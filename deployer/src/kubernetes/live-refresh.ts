// Rollout status from watch events without a pass: after a pass, an event about one of its objects changes only that
// object's resource, as long as the object is still live as Cascade applied it. Anything else (an object deleted,
// changed by hand, unknown to the pass, or a pass with errors) needs a full pass, which this says by answering
// undefined. No I/O.
import type { EnvironmentStatus, Manifest, ResourceStatus, RolloutState } from '@cascade/common';
import { madeFrom } from '@cascade/common';
import { rememberWithoutErrors, stateOfCounts } from '../status/environment-state.ts';
import type { ApplyOutcome } from './apply.ts';
import { findDrift } from './drift.ts';
import { CONTENT_HASH_ANNOTATION, readAnnotation } from './labels.ts';
import { hashedOf, replannedByResource, type ApplyPlan } from './plan.ts';
import type { PlacedObject, PlanMemo } from './plan-memo.ts';
import { resourceStatus } from './resource-status.ts';

/** What a completed pass leaves for refreshing its status from events. */
export interface PassRecord {
  status: EnvironmentStatus;
  selfHeal: boolean;
  /** Planned objects by objectKey. */
  objects: Map<string, PlacedObject>;
  /** Each resource's planned objects, in the order its status lists them. */
  byResource: Map<string, PlacedObject[]>;
  /** The newest known state of every planned object; absent: not live. */
  live: Map<string, Manifest>;
  /** Where each resource stands in `status.resources`, so an event replaces its entry without a search. */
  positions: Map<string, number>;
  /** How many resources are in each state, so the environment's state follows an event without a count. */
  states: Record<RolloutState, number>;
  /** The mark of the plan recorded (ApplyPlan.lineage), if it had one. */
  planId?: number;
}

/**
 * The record of a pass that reported no error anywhere (errors may clear on a new attempt, which only a pass makes),
 * or undefined. `live` is what the pass saw, indexed by objectKey; the outcome's objects are newer. With the record
 * of the pass before (`previous`, which this one then takes over) and the same resources in the same order, only
 * the resources that are not settled, or settled anew, are recorded again: the cost follows the change.
 */
export function recordPass(status: EnvironmentStatus, plan: ApplyPlan, live: ReadonlyMap<string, Manifest>, outcome: ApplyOutcome, selfHeal: boolean, previous?: PassRecord): PassRecord | undefined {
  if ((status.errors ?? []).length > 0 || status.resources.some((r) => r.errors.length > 0)) return undefined;
  const states: Record<RolloutState, number> = { Clean: 0, InProgress: 0, Outdated: 0, Failed: 0 };
  for (const resource of status.resources) states[resource.state]++;
  // Recorded from the plan this one carried over, with the same names in the same places: only the resources it
  // looked at again can differ from what was recorded (a status without errors lists just the rendered resources).
  const lineage = plan.lineage?.carried;
  const fromLastPlan = lineage !== undefined && previous?.planId === lineage.from;
  const carried = previous !== undefined && (fromLastPlan || sameNames(previous.status.resources, status.resources)) ? previous : undefined;
  const planId = plan.lineage === undefined ? {} : { planId: plan.lineage.id };
  const record: PassRecord = carried === undefined
    ? { status, selfHeal, objects: new Map(), byResource: new Map(), live: new Map(), positions: new Map(status.resources.map((r, index) => [r.name, index])), states, ...planId }
    : { ...carried, status, selfHeal, states, ...planId };
  // The resources recorded anew, with their planned objects: a fresh record takes every one, a carried one those
  // planned again this pass and those whose settled objects it does not hold yet.
  const changed = new Map<string, PlacedObject[]>();
  for (const [name, entries] of replannedByResource(plan)) {
    const placed: PlacedObject[] = [];
    for (const entry of entries) {
      // What an apply action was placed from, which is the very object the next pass finds live as rendered.
      const object = 'stage' in entry ? entry.placed : entry;
      if (object === undefined) return undefined;
      placed.push(object);
    }
    changed.set(name, placed);
  }
  if (carried === undefined) for (const [name, settled] of plan.settled) changed.set(name, settled.map((o) => o.unchanged));
  if (carried !== undefined) {
    const count = fromLastPlan ? lineage.revisited.length : status.resources.length;
    for (let index = 0; index < count; index++) {
      const name = fromLastPlan ? lineage.revisited[index]! : status.resources[index]!.name;
      const settled = plan.settled.get(name);
      const before = record.byResource.get(name);
      if (settled !== undefined) {
        // Settled as recorded: the same planned objects, live as the record knows them (events since are newer).
        if (before !== undefined && before.length === settled.length && settled.every((o, i) => before[i] === o.unchanged)) continue;
        changed.set(name, settled.map((o) => o.unchanged));
      } else if (before !== undefined && !changed.has(name)) changed.set(name, []);
    }
    // Every old object of a changed resource goes before any new one comes: an object may move between resources.
    for (const name of changed.keys()) {
      for (const planned of record.byResource.get(name) ?? []) {
        record.objects.delete(planned.key);
        record.live.delete(planned.key);
      }
      record.byResource.delete(name);
    }
  }
  rememberWithoutErrors(status.resources);
  for (const [name, entries] of changed) {
    // The plan's own entries (a settled resource's are the same objects pass after pass), not copies per pass.
    if (entries.length > 0) record.byResource.set(name, entries);
    for (const entry of entries) {
      record.objects.set(entry.key, entry);
      const current = outcome.applied.get(entry.key) ?? live.get(entry.key);
      if (current !== undefined) record.live.set(entry.key, current);
    }
  }
  return record;
}

/** Whether two resource lists name the same resources in the same order. */
function sameNames(a: readonly ResourceStatus[], b: readonly ResourceStatus[]): boolean {
  return a.length === b.length && a.every((resource, index) => resource.name === b[index]!.name);
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
      // The hashed part is built again only for an object an event changed: the record keeps what builds it.
      const drift = memo === undefined ? findDrift(hashedOf(planned), object) : memo.findDrift(planned.contentHash, object, () => findDrift(hashedOf(planned), object));
      if (drift.length > 0) return undefined;
    }
    touched.add(planned.resource);
  }
  for (const [key, object] of changes) if (object !== undefined) record.live.set(key, object);
  if (touched.size === 0) return record.status;
  // A copy of the list with the touched resources replaced: the cost follows the events, not the environment's size.
  const parent = record.status.resources;
  const resources: ResourceStatus[] = parent.slice();
  const replaced: number[] = [];
  for (const name of touched) {
    const index = record.positions.get(name);
    const before = index === undefined ? undefined : resources[index];
    if (index === undefined || before === undefined) return undefined;
    const objects = (record.byResource.get(name) ?? []).map((p) => {
      const live = record.live.get(p.key);
      return { ref: p.ref, contentHash: p.contentHash, ...(live === undefined ? {} : { live }) };
    });
    const after = resourceStatus({ name, ...(before.version === undefined ? {} : { version: before.version }), objects, errors: [] });
    record.states[before.state]--;
    record.states[after.state]++;
    resources[index] = after;
    replaced.push(index);
  }
  // Deltas and digests from the last list look at these places only.
  madeFrom(resources, parent, replaced);
  // Built from a pass without errors, with none added: later checks need not look through it for one.
  rememberWithoutErrors(resources);
  record.status = { ...record.status, state: stateOfCounts(record.states), resources };
  return record.status;
}
