// What a deployer's status changed since an earlier one a peer holds, so peers asking after every change receive and
// parse what changed rather than every resource of every environment. Pure: no I/O.
import type { DeployerStatus, EnvironmentStatus, ResourceStatus } from './deployer.ts';

/** One environment of a delta, in the status's order. */
export type EnvironmentDelta =
  /** As in the status the delta is since: the very same report. */
  | { env: string; same: true }
  /** Its own fields, and the resources that changed by their place in the list (names and order are as before). */
  | { env: string; fields: Omit<EnvironmentStatus, 'resources'>; changed: Array<{ at: number; status: ResourceStatus }> }
  /** The whole report: its resources were added, removed or reordered. */
  | { env: string; whole: EnvironmentStatus };

/** A deployer status told as what changed since the status with entity tag `since`. */
export interface DeployerStatusDelta {
  /** The entity tag of the status this delta applies to. */
  since: string;
  commit?: string;
  environments: EnvironmentDelta[];
  stagings?: DeployerStatus['stagings'];
}

/** A delta that does not fit the status it is applied to; the peer asks for the whole status instead. */
export class StatusDeltaMismatchError extends Error {
  override readonly name = 'StatusDeltaMismatchError';
}

/**
 * The delta from `before` (whose entity tag is `since`) to `after`. Reports and resource statuses are compared by
 * identity: the deployer hands out the same objects while nothing changed, and one compared as changed only makes
 * the delta larger, never wrong. Undefined when the environments themselves changed (added, removed, reordered).
 */
export function deployerStatusDelta(before: DeployerStatus, after: DeployerStatus, since: string): DeployerStatusDelta | undefined {
  if (before.environments.length !== after.environments.length) return undefined;
  const environments: EnvironmentDelta[] = [];
  for (const [index, report] of after.environments.entries()) {
    const old = before.environments[index]!;
    if (old.env !== report.env) return undefined;
    environments.push(environmentDelta(old, report));
  }
  // Every other field of the status (the commit, the stagings) travels as it is.
  const { environments: _, ...rest } = after;
  return { since, ...rest, environments };
}

function environmentDelta(before: EnvironmentStatus, after: EnvironmentStatus): EnvironmentDelta {
  if (before === after) return { env: after.env, same: true };
  const { resources, ...fields } = after;
  if (resources.length !== before.resources.length) return { env: after.env, whole: after };
  const changed: Array<{ at: number; status: ResourceStatus }> = [];
  if (resources !== before.resources) {
    for (const [at, status] of resources.entries()) {
      const old = before.resources[at]!;
      if (old === status) continue;
      if (old.name !== status.name) return { env: after.env, whole: after };
      changed.push({ at, status });
    }
  }
  return { env: after.env, fields, changed };
}

/**
 * `before` brought up to the status `delta` describes. Unchanged reports and resource statuses stay the same
 * objects, so a consumer comparing by identity looks only at what changed. Throws StatusDeltaMismatchError when the
 * delta does not fit `before` (then the whole status must be asked for). Never changes `before`.
 */
export function applyDeployerStatusDelta(before: DeployerStatus, delta: DeployerStatusDelta): DeployerStatus {
  if (delta.environments.length !== before.environments.length) throw new StatusDeltaMismatchError(`the delta has ${delta.environments.length} environments, the status ${before.environments.length}`);
  const environments = delta.environments.map((change, index): EnvironmentStatus => {
    const old = before.environments[index]!;
    if (change.env !== old.env) throw new StatusDeltaMismatchError(`environment ${index} is ${change.env} in the delta, ${old.env} in the status`);
    if ('same' in change) return old;
    if ('whole' in change) return change.whole;
    const resources = change.changed.length === 0 ? old.resources : [...old.resources];
    for (const { at, status } of change.changed) {
      if (old.resources[at]?.name !== status.name) throw new StatusDeltaMismatchError(`resource ${at} of ${old.env} is ${status.name} in the delta, ${old.resources[at]?.name ?? 'missing'} in the status`);
      resources[at] = status;
    }
    return { ...change.fields, env: old.env, resources };
  });
  const { since: _since, environments: _, ...rest } = delta;
  return { ...rest, environments };
}
