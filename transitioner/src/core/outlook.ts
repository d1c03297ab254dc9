// Why a transition has not run yet, or will: every condition with its state, and what it would move or hold back.
// Computed on every round for every transition, due or not, so the dashboard and the CLI can say "why not yet".
import { noLocks, type SnapshotWithFiles, type Transition, type TransitionCondition, type TransitionOutlook } from '@cascade/common';
import { heldReport, planCopy, type CopyPlan } from './copy-plan.ts';
import { pipelineHold } from './no-downgrade.ts';
import type { Observations } from './observations.ts';
import { checkPrecondition } from './preconditions.ts';
import { scheduleWindow } from './schedule-window.ts';

/** The copy a round's transition would make on `snapshot`: what its outlook lists and its decision writes. */
export function roundCopyPlan(transition: Transition, snapshot: SnapshotWithFiles, observed: Observations): CopyPlan {
  const targetLocks = snapshot.environments.get(transition.target)?.locks ?? noLocks();
  return planCopy(snapshot, transition.source, transition.target, targetLocks, (name) => pipelineHold(snapshot, transition, name, observed));
}

/**
 * The transition's outlook on `snapshot` at `now`: its conditions in the order they are checked, pending and held
 * resources (from `copy` when the round made that plan already).
 */
export function outlookOf(transition: Transition, snapshot: SnapshotWithFiles, observed: Observations, now: Date, copy = roundCopyPlan(transition, snapshot, observed)): TransitionOutlook {
  const conditions: TransitionCondition[] = [];
  const envReasons = (snapshot.environments.get(transition.target)?.locks ?? noLocks()).envReasons;
  conditions.push(envReasons.length > 0 ? { kind: 'NotLocked', met: false, reasons: envReasons } : { kind: 'NotLocked', met: true });
  if (transition.schedule !== undefined) {
    const state = Object.hasOwn(snapshot.transitionState, transition.name) ? snapshot.transitionState[transition.name] : undefined;
    const window = scheduleWindow(transition, state, now);
    const zone = transition.timezone === undefined ? {} : { timezone: transition.timezone };
    const nextRun = window.kind === 'NotDue' && window.nextRun ? { nextRun: window.nextRun } : {};
    conditions.push({ kind: 'Schedule', met: window.kind !== 'NotDue', schedule: transition.schedule, ...zone, ...nextRun });
  }
  for (const precondition of transition.preconditions) {
    const verdict = checkPrecondition(precondition, { transition, observed, now });
    const met = verdict.kind === 'Holds';
    if (precondition.kind === 'SourceClean') {
      conditions.push({ kind: 'SourceClean', met, ...(verdict.kind === 'Failed' ? { failed: true } : {}), ...(verdict.kind === 'Holds' ? {} : { message: verdict.message }) });
    } else {
      const since = observed.versionsSince.get(transition.source);
      const until = since === undefined ? undefined : new Date(since.getTime() + precondition.minutes * 60_000);
      conditions.push({ kind: 'SoakTime', met, minutes: precondition.minutes, ...(since ? { since: since.toISOString() } : {}), ...(until ? { until: until.toISOString() } : {}) });
    }
  }
  const pending = copy.resources.map(({ name, change, from, to }) => ({ name, change, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) }));
  return { at: now.toISOString(), conditions, pending, held: copy.held.map(heldReport) };
}
