import { describe, expect, it } from 'vitest';
import { TRANSITIONS } from './fixtures/status.ts';
import { describeIncoming, formatWindow, type IncomingFacts } from './transition-words.ts';

const facts = (over: Partial<IncomingFacts>): IncomingFacts => ({
  env: 'pp',
  isFirst: false,
  incoming: TRANSITIONS[1],
  envLockReasons: [],
  waitingCount: 2,
  sourceRollout: 'Clean',
  report: { kind: 'none' },
  now: new Date('2026-11-22T10:00:00Z'),
  ...over,
});

describe('describeIncoming', () => {
  it('waits for the source to finish rolling out when SourceClean does not hold', () => {
    expect(describeIncoming(facts({ sourceRollout: 'InProgress' }))).toEqual({ tone: 'waiting', text: 'waiting for dev to finish rolling out' });
    expect(describeIncoming(facts({ sourceRollout: 'Failed' }))).toEqual({ tone: 'blocked', text: 'blocked: dev failed to roll out' });
  });

  it('prefers the transitioner’s own blocked reason', () => {
    const report = { kind: 'run' as const, result: 'Blocked', reason: 'SoakTime: 12 of 60 minutes' };
    expect(describeIncoming(facts({ report })).text).toBe('blocked: SoakTime: 12 of 60 minutes');
  });

  it('is due when nothing holds it back, and says so when the transitioner is unreachable', () => {
    expect(describeIncoming(facts({})).text).toBe('2 waiting from dev, due now');
    expect(describeIncoming(facts({ report: { kind: 'unreachable', message: 'x' } })).tone).toBe('unknown');
  });

  it('names a lock before anything else', () => {
    expect(describeIncoming(facts({ envLockReasons: ['freeze'], sourceRollout: 'Failed' })).text).toBe('blocked: pp locked');
  });
});

describe('formatWindow', () => {
  it('writes the window in the schedule’s time zone', () => {
    expect(formatWindow('2026-11-23T05:00:00Z', 'Europe/Berlin')).toBe('Mon 06:00 Europe/Berlin');
    expect(formatWindow('2026-07-01T04:30:00Z', 'Europe/Berlin')).toBe('Wed 06:30 Europe/Berlin');
  });
});
