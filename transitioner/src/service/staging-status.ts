// What `GET /status` says per staging: the next lifecycle step and when it is due, what it waits for, what stops it.
import type { StagingLastAction, StagingLifecycleStatus, TransitionerStatus } from '@cascade/common';
import type { StagingPlan } from '../core/staging-lifecycle.ts';

export type { StagingLastAction, StagingLifecycleStatus };

/** The transitioner's `GET /status`; `stagings` is absent while the repo has none. */
export type TransitionerStatusWithStagings = TransitionerStatus;

/** The status entry of a planned staging, with the last action this process committed for it. */
export function stagingStatusOf({ staging, decision }: StagingPlan, lastAction: StagingLastAction | undefined): StagingLifecycleStatus {
  const entry: StagingLifecycleStatus = { name: staging.name, kind: staging.kind, state: staging.state };
  if (decision.kind === 'Act' || decision.kind === 'Later' || decision.kind === 'Waiting') entry.next = decision.action;
  if ((decision.kind === 'Act' || decision.kind === 'Later') && decision.at) entry.at = decision.at.toISOString();
  if (decision.kind === 'Waiting') entry.waitingFor = decision.reason;
  if (decision.kind === 'Stuck') {
    if (decision.action) entry.next = decision.action;
    entry.problem = decision.problem;
  }
  if (lastAction) entry.lastAction = lastAction;
  return entry;
}
