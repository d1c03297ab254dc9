import { describe, expect, it } from 'vitest';
import { parseTransitionStateFile } from './transition-state.ts';
import { writeTransitionState } from './writers.ts';

const FILE = 'transition_state.yaml';

describe('parseTransitionStateFile', () => {
  it('reads the window with the schedule and time zone it was computed for', () => {
    const text = 'transitions:\n  prod: { nextRun: "2024-01-08T05:00:00.000Z", lastRun: "2024-01-01T05:10:00.000Z", schedule: "0 6 * * 1", timezone: Europe/Berlin }\n  pp: { nextRun: "2024-01-02T00:00:00.000Z" }\n';
    expect(parseTransitionStateFile(FILE, text)).toEqual({
      state: {
        prod: { nextRun: '2024-01-08T05:00:00.000Z', lastRun: '2024-01-01T05:10:00.000Z', schedule: '0 6 * * 1', timezone: 'Europe/Berlin' },
        pp: { nextRun: '2024-01-02T00:00:00.000Z' },
      },
      problems: [],
    });
  });

  it('reports a schedule or time zone that is no string, and drops the window so it is computed again', () => {
    const text = 'transitions:\n  prod:\n    nextRun: "2024-01-08T05:00:00.000Z"\n    lastRun: "2024-01-01T05:10:00.000Z"\n    schedule: [0, 6]\n  pp:\n    nextRun: "2024-01-08T05:00:00.000Z"\n    timezone: ""\n';
    const { state, problems } = parseTransitionStateFile(FILE, text);
    expect(state).toEqual({ prod: { lastRun: '2024-01-01T05:10:00.000Z' }, pp: {} });
    expect(problems.map((p) => [p.code, p.line, p.message])).toEqual([
      ['state-bad-schedule', 5, 'transitions.prod.schedule must be the schedule nextRun was computed for, a non-empty string'],
      ['state-bad-schedule', 8, 'transitions.pp.timezone must be the timezone nextRun was computed for, a non-empty string'],
    ]);
  });

  it('reads back what writeTransitionState writes, a cron expression starting with * included', () => {
    const written = { nextRun: '2024-01-02T05:10:05.000Z', lastRun: '2024-01-02T05:10:00.000Z', schedule: '*/5 * * * * *', timezone: 'Europe/Berlin' };
    const text = writeTransitionState(undefined, 'prod', written);
    expect(parseTransitionStateFile(FILE, text)).toEqual({ state: { prod: written }, problems: [] });
    expect(parseTransitionStateFile(FILE, writeTransitionState(text, 'prod', { nextRun: written.nextRun, schedule: '0 6 * * *' })).state).toEqual({ prod: { nextRun: written.nextRun, schedule: '0 6 * * *' } });
  });
});
