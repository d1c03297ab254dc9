// Applying a live-event delta to a status: the one definition the aggregator's tests and the dashboard share.
import type { AggregatorStatus } from './status.ts';
import type { StatusDelta } from './events.ts';

/** Patches a status with a delta: lists named in the delta are replaced, resources upserted and removed by name. Never mutates its inputs. */
export function applyDelta(status: AggregatorStatus, delta: StatusDelta): AggregatorStatus {
  const next: AggregatorStatus = { ...status, commit: delta.commit };
  if (delta.environments) next.environments = delta.environments;
  if (delta.transitions) next.transitions = delta.transitions;
  if (delta.problems) next.problems = delta.problems;
  if (delta.deployer) next.deployer = delta.deployer;
  if (delta.transitioner) next.transitioner = delta.transitioner;
  if (delta.stagings) next.stagings = delta.stagings;
  if (delta.resources) {
    const byName = new Map(status.resources.map((resource) => [resource.name, resource]));
    for (const name of delta.resources.remove) byName.delete(name);
    for (const resource of delta.resources.upsert) byName.set(resource.name, resource);
    next.resources = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  return next;
}
