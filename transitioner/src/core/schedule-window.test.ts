// scheduleWindow on its own: which recorded schedules still match the rule.
import { describe, expect, it } from 'vitest';
import type { Transition } from '@cascade/common';
import { scheduleWindow } from './schedule-window.ts';

const rule = (schedule: string, timezone?: string): Transition => ({ name: 'prod', source: 'pp', target: 'prod', preconditions: [], schedule, ...(timezone ? { timezone } : {}) });
const now = new Date('2024-01-03T12:00:00Z');

describe('scheduleWindow', () => {
  it('keeps a window recorded for the same schedule, whitespace aside, and an absent time zone meaning UTC', () => {
    expect(scheduleWindow(rule('0 6 * * *', 'UTC'), { nextRun: '2024-01-04T06:00:00.000Z', schedule: ' 0 6  * * * ' }, now)).toEqual({ kind: 'NotDue', nextRun: '2024-01-04T06:00:00.000Z' });
  });

  it('computes the window again when only the time zone changed', () => {
    const window = scheduleWindow(rule('0 6 * * *', 'America/New_York'), { nextRun: '2024-01-04T05:00:00.000Z', schedule: '0 6 * * *', timezone: 'Europe/Berlin' }, now);
    expect(window).toEqual({
      kind: 'NotDue',
      nextRun: '2024-01-04T11:00:00.000Z',
      initialize: { nextRun: '2024-01-04T11:00:00.000Z', schedule: '0 6 * * *', timezone: 'America/New_York' },
    });
  });

  it('records nothing when the recorded state is already what it would write', () => {
    expect(scheduleWindow(rule('0 6 30 2 *'), { schedule: '0 6 30 2 *' }, now)).toEqual({ kind: 'NotDue' });
  });
});
