import { describe, expect, it } from 'vitest';
import { TRANSITIONS } from './fixtures/status.ts';
import { describeIncoming, type IncomingFacts } from './transition-words.ts';

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

  it('says a wait the transitioner reports in neutral words, and keeps red for a failed check', () => {
    const report = { kind: 'run' as const, result: 'Blocked', reason: 'SoakTime: 12 of 60 minutes' };
    expect(describeIncoming(facts({ report }))).toEqual({ tone: 'waiting', text: 'waiting: SoakTime: 12 of 60 minutes' });
    const failed = { kind: 'run' as const, result: 'CheckFailed', reason: 'the rollout of dev failed' };
    expect(describeIncoming(facts({ report: failed }))).toEqual({ tone: 'blocked', text: 'blocked: the rollout of dev failed' });
  });

  it('reads the transitioner’s conditions: a rollout wait names the version, a window or soak its time, a failure is red', () => {
    const met = { state: 'met' as const, title: '' };
    const notLocked = { ...met, kind: 'NotLocked' as const, text: 'not locked' };
    const rolling = { kind: 'SourceClean' as const, state: 'waiting' as const, text: 'dev rolling out', title: '' };
    expect(describeIncoming(facts({ waitingCount: 1, waitingVersions: ['1.5.1'], conditions: [notLocked, rolling] }))).toEqual({ tone: 'waiting', text: 'waiting for dev to finish deploying 1.5.1' });
    const window = { kind: 'Schedule' as const, state: 'waiting' as const, text: 'window Wed 06:00 Europe/Berlin (in 14 h)', title: '' };
    expect(describeIncoming(facts({ conditions: [notLocked, window] })).text).toBe('2 waiting from dev; next window Wed 06:00 Europe/Berlin (in 14 h)');
    const failed = { kind: 'SourceClean' as const, state: 'failed' as const, text: 'dev failed to roll out', title: '' };
    expect(describeIncoming(facts({ conditions: [notLocked, failed] }))).toEqual({ tone: 'blocked', text: 'blocked: dev failed to roll out' });
    expect(describeIncoming(facts({ conditions: [notLocked, { ...met, kind: 'SourceClean', text: 'dev rolled out' }] })).text).toBe('2 waiting from dev, due now');
  });

  it('counts what the transition holds back apart from what waits', () => {
    expect(describeIncoming(facts({ waitingCount: 0, heldCount: 1 }))).toEqual({ tone: 'ok', text: 'up to date with dev; 1 held' });
  });

  it('is due when nothing holds it back, and says so when the transitioner is unreachable', () => {
    expect(describeIncoming(facts({})).text).toBe('2 waiting from dev, due now');
    expect(describeIncoming(facts({ report: { kind: 'unreachable', message: 'x' } })).tone).toBe('unknown');
  });

  it('says "held by lock" with the reason before anything else, never "due now"', () => {
    expect(describeIncoming(facts({ envLockReasons: ['freeze'], sourceRollout: 'Failed' }))).toEqual({ tone: 'held', text: 'held by lock: freeze' });
  });
});
