// Schedules: whether a transition's window is open, and what transition_state.yaml must say afterwards.
import { nextScheduledTime, type Transition, type TransitionState } from '@cascade/common';

/** Where a transition stands against its schedule at one moment. */
export type ScheduleWindow =
  /** No schedule: the transition may run whenever its preconditions hold. */
  | { kind: 'Unscheduled' }
  /** The stored window has opened; after a run that uses it, `used` is what the state file must say. */
  | { kind: 'Due'; since: string; used: TransitionState }
  /** The next window is in the future (or never, without `nextRun`); `initialize` is set when the state file lacks it. */
  | { kind: 'NotDue'; nextRun?: string; initialize?: TransitionState };

/**
 * Reads a transition's window from its stored state. A missing or stale state (the cron expression or
 * time zone changed, so the stored time is not one the schedule fires at) starts at the next window after
 * `now`, never at once: adding a schedule must not promote straight away.
 */
export function scheduleWindow(transition: Transition, state: TransitionState | undefined, now: Date): ScheduleWindow {
  const { schedule, timezone } = transition;
  if (schedule === undefined) return { kind: 'Unscheduled' };
  const stored = state?.nextRun === undefined ? undefined : new Date(state.nextRun);
  if (stored === undefined || !firesAt(schedule, timezone, stored)) {
    const next = nextScheduledTime(schedule, timezone, now);
    const initialize: TransitionState = { ...(next ? { nextRun: next.toISOString() } : {}), ...(state?.lastRun ? { lastRun: state.lastRun } : {}) };
    return { kind: 'NotDue', ...(next ? { nextRun: next.toISOString() } : {}), initialize };
  }
  if (now.getTime() < stored.getTime()) return { kind: 'NotDue', nextRun: stored.toISOString() };
  const next = nextScheduledTime(schedule, timezone, now);
  return { kind: 'Due', since: stored.toISOString(), used: { ...(next ? { nextRun: next.toISOString() } : {}), lastRun: now.toISOString() } };
}

/** True when the schedule fires exactly at `time`, i.e. the stored time was computed from this schedule. */
function firesAt(schedule: string, timezone: string | undefined, time: Date): boolean {
  if (Number.isNaN(time.getTime())) return false;
  return nextScheduledTime(schedule, timezone, new Date(time.getTime() - 1000))?.getTime() === time.getTime();
}
