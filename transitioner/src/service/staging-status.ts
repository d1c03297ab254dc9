// What `GET /status` says per staging: the next lifecycle step and when it is due, what it waits for, what stops it.
import type { StagingIntent, TransitionerStatus } from '@cascade/common';
import type { LifecycleAction, StagingPlan } from '../core/staging-lifecycle.ts';

/** One staging's lifecycle as the transitioner sees it. */
export interface StagingLifecycleStatus {
  name: string;
  kind: string;
  /** What its file asks for. */
  state: StagingIntent;
  /** The next step the transitioner takes; absent when none is planned (a kind without `archiveAfter`, or a problem in the way). */
  next?: LifecycleAction;
  /** When `next` is (or was) due, ISO 8601; absent for `remove`, which waits for the deployer rather than for a time. */
  at?: string;
  /** What `next` waits for besides time: the deployer's confirmation of the cleanup. */
  waitingFor?: string;
  /** Why nothing is done until a person acts: a problem in the file, an unknown kind, a file Cascade cannot edit. */
  problem?: string;
  /** The last lifecycle commit this process made for it. */
  lastAction?: StagingLastAction;
}

/** A lifecycle commit: the step, the commit on the remote and when the round decided it (ISO 8601). */
export interface StagingLastAction {
  action: LifecycleAction;
  commit: string;
  time: string;
}

/** The transitioner's `GET /status` with the staging lifecycle; `stagings` is absent while the repo has none. */
export type TransitionerStatusWithStagings = TransitionerStatus & { stagings?: StagingLifecycleStatus[] };

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
