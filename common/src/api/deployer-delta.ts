// What a deployer's status changed since an earlier one a peer holds, so peers asking after every change receive and
// parse what changed rather than every resource of every environment. Each environment travels as the same
// EnvironmentPatch the aggregator sends its clients. Pure: no I/O.
import { DeltaMismatchError, environmentPatch, patchedEnvironment } from './deployer-patch.ts';
import type { EnvironmentPatch } from './events.ts';
import type { DeployerStatus } from '../status/deployer.ts';

/** A deployer status told as what changed since the status with entity tag `since`: every field but the environments as it is. */
export type DeployerStatusDelta = Omit<DeployerStatus, 'environments'> & {
  /** The entity tag of the status this delta applies to. */
  since: string;
  /** Every environment, in the status's order: its own fields, and its reports either as what changed or whole. */
  environments: EnvironmentPatch[];
};

/**
 * The delta from `before` (whose entity tag is `since`) to `after`. Reports are compared by identity first: the
 * deployer hands out the same objects while nothing changed. Undefined when the environments themselves changed
 * (added, removed, reordered).
 */
export function deployerStatusDelta(before: DeployerStatus, after: DeployerStatus, since: string): DeployerStatusDelta | undefined {
  if (before.environments.length !== after.environments.length) return undefined;
  if (before.environments.some((report, index) => report.env !== after.environments[index]!.env)) return undefined;
  const environments = after.environments.map((report, index) => environmentPatch(before.environments[index]!, report));
  // Every other field of the status (the commit, the stagings) travels as it is.
  const { environments: _, ...rest } = after;
  return { since, ...rest, environments };
}

/**
 * `before` brought up to the status `delta` describes. Unchanged reports and resource statuses stay the same
 * objects, so a consumer comparing by identity looks only at what changed. Throws DeltaMismatchError when the
 * delta does not fit `before` (then the whole status must be asked for). Never changes `before`.
 */
export function applyDeployerStatusDelta(before: DeployerStatus, delta: DeployerStatusDelta): DeployerStatus {
  if (delta.environments.length !== before.environments.length) throw new DeltaMismatchError({ reason: `the delta has ${delta.environments.length} environments, the status ${before.environments.length}` });
  const environments = delta.environments.map((patch, index) => {
    const old = before.environments[index]!;
    if (patch.env !== old.env) throw new DeltaMismatchError({ env: patch.env, reason: `environment ${index} is ${patch.env} in the delta, ${old.env} in the status` });
    return patchedEnvironment(old, patch);
  });
  const { since: _since, environments: _, ...rest } = delta;
  return { ...rest, environments };
}
