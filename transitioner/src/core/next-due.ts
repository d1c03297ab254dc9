// When the next round has something to do on its own (not because the repo or the deployer changed): a window opens,
// a soak time ends, a staging step falls due.
import type { Snapshot } from '@cascade/common';
import type { Observations } from './observations.ts';
import type { StagingPlan } from './staging-lifecycle.ts';

/**
 * The soonest time after `now` at which something falls due: a scheduled transition's stored window, the end of a
 * transition's soak time (with the observations it was decided on), or a staging's archive or cleanup. Times not
 * after `now` are left out: what is due already was done by the round that decided on `now`, or waits for something
 * other than time (a lock, a precondition, a person), and waking for it would spin.
 */
export function nextDueTime(snapshot: Pick<Snapshot, 'transitions' | 'transitionState'>, plans: readonly StagingPlan[], now: Date, observed?: Pick<Observations, 'versionsSince'>): Date | undefined {
  const times: number[] = [];
  for (const transition of snapshot.transitions) {
    // Own entries only: a transition named `constructor` has no state until one is written for it.
    const state = transition.schedule !== undefined && Object.hasOwn(snapshot.transitionState, transition.name) ? snapshot.transitionState[transition.name] : undefined;
    if (state?.nextRun !== undefined) times.push(Date.parse(state.nextRun));
    const since = observed?.versionsSince.get(transition.source);
    if (since === undefined) continue;
    for (const precondition of transition.preconditions) if (precondition.kind === 'SoakTime') times.push(since.getTime() + precondition.minutes * 60_000);
  }
  for (const { decision } of plans) if (decision.kind === 'Later') times.push(decision.at.getTime());
  const future = times.filter((time) => Number.isFinite(time) && time > now.getTime());
  return future.length === 0 ? undefined : new Date(Math.min(...future));
}
