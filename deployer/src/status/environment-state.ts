// The rollout state of a whole environment, from its resources. No I/O.
import type { EnvironmentStatus, ResourceStatus, RolloutState } from '@cascade/common';

const SEVERITY: Record<RolloutState, number> = { Clean: 0, InProgress: 1, Outdated: 2, Failed: 3 };

/** The worst state of the resources: Failed, then Outdated, then InProgress; Clean when every resource is. */
export function environmentState(resources: ResourceStatus[]): RolloutState {
  return resources.reduce<RolloutState>((worst, r) => (SEVERITY[r.state] > SEVERITY[worst] ? r.state : worst), 'Clean');
}

/** The worst state among resources counted by state, as environmentState finds it for the resources counted. */
export function stateOfCounts(counts: Readonly<Record<RolloutState, number>>): RolloutState {
  return (['Failed', 'Outdated', 'InProgress'] as const).find((state) => counts[state] > 0) ?? 'Clean';
}

const errorsIn = new WeakMap<readonly ResourceStatus[], boolean>();

/** Whether any resource of the list carries an error; worked out once per list (an unchanged environment keeps its list). */
export function anyResourceErrors(resources: readonly ResourceStatus[]): boolean {
  let found = errorsIn.get(resources);
  if (found === undefined) errorsIn.set(resources, (found = resources.some((r) => r.errors.length > 0)));
  return found;
}

/** Records that a list carries no error, when it was built from one without errors and adds none (statuses from events). */
export function rememberWithoutErrors(resources: readonly ResourceStatus[]): void {
  errorsIn.set(resources, false);
}

/** An environment status for a target that cannot be reached, keeping the last known resources and the first failure time. */
export function unreachableStatus(previous: EnvironmentStatus, now: Date, message: string): EnvironmentStatus {
  const since = previous.unreachable?.since ?? now.toISOString();
  return { ...previous, state: 'Unreachable', unreachable: { since, message } };
}
