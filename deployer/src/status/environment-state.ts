// The rollout state of a whole environment, from its resources. No I/O.
import type { EnvironmentStatus, ResourceStatus, RolloutState } from '@cascade/common';

const SEVERITY: Record<RolloutState, number> = { Clean: 0, InProgress: 1, Outdated: 2, Failed: 3 };

/** The worst state of the resources: Failed, then Outdated, then InProgress; Clean when every resource is. */
export function environmentState(resources: ResourceStatus[]): RolloutState {
  return resources.reduce<RolloutState>((worst, r) => (SEVERITY[r.state] > SEVERITY[worst] ? r.state : worst), 'Clean');
}

/** An environment status for a target that cannot be reached, keeping the last known resources and the first failure time. */
export function unreachableStatus(previous: EnvironmentStatus, now: Date, message: string): EnvironmentStatus {
  const since = previous.unreachable?.since ?? now.toISOString();
  return { ...previous, state: 'Unreachable', unreachable: { since, message } };
}
