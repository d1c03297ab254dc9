// Cron schedules of transitions: 5 fields (minute precision) or 6 (with seconds), in an IANA time zone.
import { Cron } from 'croner';

/** Why a cron expression or time zone is refused, or `undefined` when both are valid. */
export function checkSchedule(schedule: string, timezone?: string): string | undefined {
  const fields = schedule.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) return `schedule "${schedule}" must have 5 or 6 fields, not ${fields}`;
  if (timezone !== undefined && !isTimeZone(timezone)) return `timezone "${timezone}" is not an IANA time zone (e.g. Europe/Berlin)`;
  try {
    new Cron(schedule, { paused: true, timezone });
  } catch (error) {
    return `schedule "${schedule}" is not a valid cron expression: ${error instanceof Error ? error.message : String(error)}`;
  }
  return undefined;
}

/** The first time strictly after `after` at which the schedule fires, or `undefined` if it never does again. */
export function nextScheduledTime(schedule: string, timezone: string | undefined, after: Date): Date | undefined {
  const cron = new Cron(schedule, { paused: true, timezone });
  return cron.nextRun(after) ?? undefined;
}

/** True when the runtime knows the IANA time zone. */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
