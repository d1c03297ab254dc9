import { describe, expect, it } from 'vitest';
import { conditionWords, heldWords, outlookOf, windowTime } from './outlook-words.ts';

const now = new Date('2026-12-02T20:23:00Z');

describe('conditionWords', () => {
  it('gives the window in the schedule’s time zone, named, and relative, with the full time in the viewer’s zone and the rule on hover', () => {
    const words = conditionWords({ kind: 'Schedule', met: false, schedule: '0 6 * * 1-5', timezone: 'Europe/Berlin', nextRun: '2026-12-03T05:00:00Z' }, 'pp', now, 'America/New_York');
    expect(words).toMatchObject({ state: 'waiting', text: 'window Thu 06:00 Europe/Berlin (in 9 h)' });
    expect(words.title).toBe('next window Thursday, 3 December 2026 at 00:00 (America/New_York); schedule 0 6 * * 1-5 Europe/Berlin');
  });

  it('names UTC for a schedule without a time zone, since that is how the rule is read', () => {
    const words = conditionWords({ kind: 'Schedule', met: false, schedule: '0 6 * * 1-5', nextRun: '2026-12-03T06:00:00Z' }, 'pp', now, 'Europe/Berlin');
    expect(words.text).toBe('window Thu 06:00 UTC (in 10 h)');
  });

  it('counts the soak in minutes and says until when, locally', () => {
    const soak = { kind: 'SoakTime' as const, met: false, minutes: 60, since: '2026-12-02T20:23:00Z', until: '2026-12-02T21:23:00Z' };
    expect(conditionWords(soak, 'pp', now, 'UTC')).toMatchObject({ state: 'waiting', text: 'soak 0 of 60 min, until 21:23' });
    expect(conditionWords(soak, 'pp', new Date('2026-12-02T20:53:30Z'), 'Europe/Berlin').text).toBe('soak 30 of 60 min, until 22:23');
  });

  it('words the rollout, a failure and the lock', () => {
    expect(conditionWords({ kind: 'SourceClean', met: true }, 'pp', now)).toMatchObject({ state: 'met', text: 'pp rolled out' });
    expect(conditionWords({ kind: 'SourceClean', met: false, failed: true, message: 'the rollout of pp failed' }, 'pp', now)).toMatchObject({ state: 'failed', title: 'the rollout of pp failed' });
    expect(conditionWords({ kind: 'NotLocked', met: true }, 'pp', now).text).toBe('not locked');
    expect(conditionWords({ kind: 'NotLocked', met: false, reasons: ['release freeze'] }, 'pp', now)).toMatchObject({ state: 'held', text: 'held by lock: release freeze' });
  });
});

describe('outlookOf and heldWords', () => {
  it('finds a transition’s outlook and what it holds back, and nothing from a transitioner that reports none', () => {
    const outlook = { at: '', conditions: [], pending: [], held: [{ name: 'shop/cart', file: 'dev/locks.yaml', code: 'rolled-back-in-source', message: 'dev was rolled back to 1.5.1; pp keeps 1.5.2' }] };
    const peer = { state: 'ok' as const, url: '', fetchedAt: '', status: { transitions: [{ name: 'pp', outlook }] } };
    expect(heldWords(outlookOf(peer, 'pp'), 'shop/cart')).toBe('held: dev was rolled back to 1.5.1; pp keeps 1.5.2');
    expect(outlookOf(peer, 'prod')).toBeUndefined();
    expect(outlookOf({ state: 'ok', url: '', fetchedAt: '', status: { transitions: [{ name: 'pp' }] } }, 'pp')).toBeUndefined();
  });
});

describe('windowTime', () => {
  it('writes a time in the given zone with its name, summer and winter alike', () => {
    expect(windowTime('2026-11-23T05:00:00Z', 'Europe/Berlin')).toBe('Mon 06:00 Europe/Berlin');
    expect(windowTime('2026-07-01T04:30:00Z', 'Europe/Berlin')).toBe('Wed 06:30 Europe/Berlin');
  });
});
