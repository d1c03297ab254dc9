// Applying a live-event delta to a status: the one definition the aggregator's tests and the dashboard share.
import type { AggregatorStatus, ResourceView } from './status.ts';
import type { StatusDelta } from './events.ts';
import { applyDeployerPatch } from './deployer-patch.ts';

/**
 * Patches a status with a delta: lists named in the delta are replaced, resources upserted and removed by name, the
 * deployer's report replaced or patched. Never mutates its inputs; throws DeltaMismatchError when a deployer patch
 * does not fit.
 */
export function applyDelta(status: AggregatorStatus, delta: StatusDelta): AggregatorStatus {
  const next: AggregatorStatus = { ...status, commit: delta.commit };
  if (delta.environments) next.environments = delta.environments;
  if (delta.transitions) next.transitions = delta.transitions;
  if (delta.problems) next.problems = delta.problems;
  if (delta.deployer) next.deployer = delta.deployer;
  if (delta.deployerPatch) next.deployer = applyDeployerPatch(status.deployer, delta.deployerPatch);
  if (delta.transitioner) next.transitioner = delta.transitioner;
  if (delta.stagings) next.stagings = delta.stagings;
  if (delta.resources) next.resources = upsertResources(status.resources, delta.resources);
  return next;
}

/** Resources by name after an upsert and removal, in name order. */
function upsertResources(resources: ResourceView[], change: { upsert: ResourceView[]; remove: string[] }): ResourceView[] {
  const index = new Map(resources.map((resource, position) => [resource.name, position]));
  // The usual change after a push replaces a few resources in place: no need to sort ten thousand names again.
  if (change.remove.length === 0 && change.upsert.every((resource) => index.has(resource.name))) {
    const replaced = resources.slice();
    for (const resource of change.upsert) replaced[index.get(resource.name)!] = resource;
    return replaced;
  }
  const byName = new Map(resources.map((resource) => [resource.name, resource]));
  for (const name of change.remove) byName.delete(name);
  for (const resource of change.upsert) byName.set(resource.name, resource);
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
