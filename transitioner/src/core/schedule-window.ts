// Schedules: whether a transition's window is open, and what transition_state.yaml must say afterwards.
import { isDeepStrictEqual } from 'node:util';
import { nextScheduledTime, type Transition, type TransitionState } from '@cascade/common';

/** Where a transition stands against its schedule at one moment. */
export type ScheduleWindow =
  /** No schedule: the transition may run whenever its preconditions hold. */
  | { kind: 'Unscheduled' }
  /** The stored window has opened; after a run that uses it, `used` is what the state file must say. */
  | { kind: 'Due'; since: string; used: TransitionState }
  /** The next window is in the future (or never, without `nextRun`); `initialize` is set when the state file must change. */
  | { kind: 'NotDue'; nextRun?: string; initialize?: TransitionState };

/**
 * Reads a transition's window from its stored state. A stored window is only trusted when it was computed
 * for the rule's schedule and time zone (recorded beside it); otherwise (no state, or the rule changed since)
 * the first window is the next one after `now`, never `now` itself: adding or changing a schedule must not
 * promote straight away, and making it more frequent must not wait for a window of the old one.
 */
export function scheduleWindow(transition: Transition, state: TransitionState | undefined, now: Date): ScheduleWindow {
  const { schedule } = transition;
  if (schedule === undefined) return { kind: 'Unscheduled' };
  const stored = state?.nextRun === undefined ? undefined : new Date(state.nextRun);
  const trusted = stored !== undefined && computedFor(transition, state!, stored);
  if (trusted && now.getTime() >= stored.getTime()) {
    const next = nextScheduledTime(schedule, transition.timezone, now);
    return { kind: 'Due', since: stored.toISOString(), used: stateFor(transition, next?.toISOString(), now.toISOString()) };
  }
  // A future window written before schedules were recorded may belong to an older rule that fires at the same
  // time (weekly, now daily): the rule's next window after now is right either way, and equal to it if nothing changed.
  if (trusted && state!.schedule !== undefined) return { kind: 'NotDue', nextRun: stored.toISOString() };
  const next = nextScheduledTime(schedule, transition.timezone, now)?.toISOString();
  const initialize = stateFor(transition, next, state?.lastRun);
  return { kind: 'NotDue', ...(next ? { nextRun: next } : {}), ...(isDeepStrictEqual(initialize, state) ? {} : { initialize }) };
}

/** The state to store for a transition: the window and last run, with the schedule and time zone the window belongs to. */
export function stateFor(transition: Transition, nextRun: string | undefined, lastRun: string | undefined): TransitionState {
  return {
    ...(nextRun ? { nextRun } : {}),
    ...(lastRun ? { lastRun } : {}),
    ...(transition.schedule === undefined ? {} : { schedule: transition.schedule }),
    ...(transition.timezone === undefined ? {} : { timezone: transition.timezone }),
  };
}

/**
 * Whether the stored window can belong to the rule as it is now: with the schedule recorded, it must be the rule's
 * (whitespace aside) in the same time zone (absent meaning UTC); either way the schedule must fire at the stored time
 * (a person may have edited it). Entries written before schedules were recorded pass on the second test alone.
 */
function computedFor(transition: Transition, state: TransitionState, stored: Date): boolean {
  if (state.schedule !== undefined) {
    if (normalized(state.schedule) !== normalized(transition.schedule!)) return false;
    if ((state.timezone ?? 'UTC') !== (transition.timezone ?? 'UTC')) return false;
  }
  return firesAt(transition.schedule!, transition.timezone, stored);
}

function normalized(schedule: string): string {
  return schedule.trim().split(/\s+/).join(' ');
}

/** True when the schedule fires exactly at `time`, i.e. the stored time can have been computed from this schedule. */
function firesAt(schedule: string, timezone: string | undefined, time: Date): boolean {
  if (Number.isNaN(time.getTime())) return false;
  return nextScheduledTime(schedule, timezone, new Date(time.getTime() - 1000))?.getTime() === time.getTime();
}
