// Applies the aggregator's numbered events to the state the page holds: a snapshot replaces, a delta patches.
import type { AggregatorStatus, StatusDelta, StatusEvent } from '../api/wire.ts';

/** The live state: the status and the number of the last event applied. */
export interface LiveState {
  seq: number;
  status: AggregatorStatus;
}

/** The result of applying an event: the new state, or a gap in the numbering that needs a full resync. */
export type Applied = { kind: 'state'; state: LiveState } | { kind: 'gap'; expected: number; got: number };

/** Applies `event` on top of `state` (undefined before the first snapshot). Pure: never mutates its inputs. */
export function applyEvent(state: LiveState | undefined, event: StatusEvent): Applied {
  if (event.type === 'snapshot') return { kind: 'state', state: { seq: event.seq, status: event.status } };
  if (state === undefined || event.seq !== state.seq + 1) return { kind: 'gap', expected: (state?.seq ?? 0) + 1, got: event.seq };
  return { kind: 'state', state: { seq: event.seq, status: applyDelta(state.status, event.delta) } };
}

/** Patches a status with a delta: lists named in the delta are replaced, resources upserted and removed by name. */
export function applyDelta(status: AggregatorStatus, delta: StatusDelta): AggregatorStatus {
  const next: AggregatorStatus = { ...status, commit: delta.commit };
  if (delta.environments) next.environments = delta.environments;
  if (delta.transitions) next.transitions = delta.transitions;
  if (delta.problems) next.problems = delta.problems;
  if (delta.deployer) next.deployer = delta.deployer;
  if (delta.transitioner) next.transitioner = delta.transitioner;
  if (delta.resources) {
    const byName = new Map(status.resources.map((resource) => [resource.name, resource]));
    for (const name of delta.resources.remove) byName.delete(name);
    for (const resource of delta.resources.upsert) byName.set(resource.name, resource);
    next.resources = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  return next;
}
