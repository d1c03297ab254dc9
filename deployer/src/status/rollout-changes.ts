// Which environments' rollout changed between two statuses, the trigger for telling the transitioner. No I/O.
import type { DeployerStatus, EnvironmentStatus } from '@cascade/common';

/** Names of environments whose combined state or deployed commit differs, including ones that appeared or went away. */
export function changedEnvironments(before: DeployerStatus, after: DeployerStatus): string[] {
  const previous = new Map(before.environments.map((e) => [e.env, e]));
  const changed = after.environments.filter((e) => differs(previous.get(e.env), e)).map((e) => e.env);
  const kept = new Set(after.environments.map((e) => e.env));
  const gone = before.environments.filter((e) => !kept.has(e.env)).map((e) => e.env);
  return [...changed, ...gone];
}

/** Whether any environment is still rolling out, so the next look should come sooner than the poll. */
export function rolloutInProgress(status: DeployerStatus): boolean {
  return status.environments.some((e) => e.state === 'InProgress');
}

// Only what the transitioner's preconditions read: per-resource details changing under an unchanged state do not matter to it.
function differs(before: EnvironmentStatus | undefined, after: EnvironmentStatus): boolean {
  return before === undefined || before.state !== after.state || before.commit !== after.commit;
}
