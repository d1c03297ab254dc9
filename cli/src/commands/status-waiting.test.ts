// "Why not yet" in the CLI's words: the WAITING / WHY table of `cascade status` and `cascade promote`'s answer and exit.
import { describe, expect, it } from 'vitest';
import type { AggregatorStatus } from '@cascade/common/api';
import type { TransitionOutlook } from '@cascade/common/status';
import { promotionWords } from '@cascade/common/api';
import { waitingTable } from './status-waiting.ts';

const NOW = new Date('2026-12-02T20:23:00Z');

function statusWith(outlooks: Record<string, TransitionOutlook | undefined>): AggregatorStatus {
  const transitions = [
    { name: 'pp', source: 'dev', target: 'pp', preconditions: [{ kind: 'SourceClean' as const }] },
    { name: 'prod', source: 'pp', target: 'prod', preconditions: [{ kind: 'SourceClean' as const }, { kind: 'SoakTime' as const, minutes: 60 }], schedule: '0 6 * * 1-5', timezone: 'Europe/Berlin' },
  ];
  return {
    commit: 'c0ffee',
    environments: [],
    resources: [],
    transitions,
    problems: [],
    deployer: { state: 'unknown', url: '' },
    transitioner: { state: 'ok', url: '', fetchedAt: '', status: { transitions: transitions.map((t) => ({ name: t.name, source: t.source, target: t.target, ...(outlooks[t.name] ? { outlook: outlooks[t.name] } : {}) })) } },
  };
}

describe('waitingTable', () => {
  it('lists per transition what waits, each condition with its state, and what is held and why', () => {
    const pp: TransitionOutlook = {
      at: '',
      conditions: [{ kind: 'NotLocked', met: true }, { kind: 'SourceClean', met: true }],
      pending: [],
      held: [{ name: 'shop/cart', file: 'dev/locks.yaml', code: 'rolled-back-in-source', message: 'dev was rolled back to 1.5.1; pp keeps 1.5.2' }],
    };
    const prod: TransitionOutlook = {
      at: '',
      conditions: [
        { kind: 'NotLocked', met: true },
        { kind: 'Schedule', met: false, schedule: '0 6 * * 1-5', timezone: 'Europe/Berlin', nextRun: '2026-12-03T05:00:00Z' },
        { kind: 'SourceClean', met: true },
        { kind: 'SoakTime', met: false, minutes: 60, since: '2026-12-02T20:23:00Z', until: '2026-12-02T21:23:00Z' },
      ],
      pending: [{ name: 'shop/cart', change: 'changed', from: '1.5.0', to: '1.5.2' }],
      held: [],
    };
    const lines = waitingTable(statusWith({ pp, prod }), NOW).split('\n');
    expect(lines[0]).toMatch(/^INTO\s+FROM\s+WAITING\s+WHY$/);
    expect(lines[1]).toMatch(/^pp\s+dev\s+-\s+up to date$/);
    expect(lines[2]).toMatch(/^prod\s+pp\s+shop\/cart 1\.5\.0 → 1\.5\.2\s+not locked ✓ · window Thu 06:00 Europe\/Berlin \(in 9 h\) ✗ · pp rolled out ✓ · soak 0 of 60 min, until \d\d:23 ✗$/);
    expect(lines.at(-1)).toBe('pp: shop/cart held: dev was rolled back to 1.5.1; pp keeps 1.5.2');
  });

  it('says why it cannot tell when the transitioner reports no outlook', () => {
    const status = statusWith({});
    status.resources = [{ name: 'shop/cart', envs: { dev: { kind: 'template', version: '2', lockReasons: [], locked: false }, pp: { kind: 'template', version: '1', lockReasons: [], locked: false } }, versions: [] }];
    expect(waitingTable(status, NOW, 'pp').split('\n')[1]).toMatch(/^pp\s+dev\s+1 resource\(s\)\s+the transitioner reports no outlook yet$/);
  });
});

describe('promotionWords', () => {
  const pp = { name: 'pp', source: 'dev', target: 'pp' };

  it('names what was promoted and what was held, and counts it as done', () => {
    const words = promotionWords(pp, { kind: 'Success', commit: 'abcdef0123', promoted: [{ name: 'payments', change: 'changed', from: '2.0', to: '2.1' }], held: [{ name: 'shop/cart', file: 'dev/locks.yaml', code: 'rolled-back-in-source', message: 'dev was rolled back to 1.5.1; pp keeps 1.5.2' }] }, NOW);
    expect(words).toEqual({ ok: true, lines: ['promoted dev → pp: commit abcdef0', '  payments 2.0 → 2.1', 'held: shop/cart: dev was rolled back to 1.5.1; pp keeps 1.5.2'] });
  });

  it('is not done when blocked, failed or locked, in words', () => {
    expect(promotionWords(pp, { kind: 'Blocked', message: 'waiting for dev to finish rolling out: shop/cart (NotAllUpdated 1/3)' }, NOW)).toEqual({ ok: false, lines: ['not promoted yet: waiting for dev to finish rolling out: shop/cart (updating: 1 of 3 pods on the new version)'] });
    expect(promotionWords(pp, { kind: 'CheckFailed', message: 'the rollout of dev failed: shop/cart' }, NOW).ok).toBe(false);
    expect(promotionWords(pp, { kind: 'Skipped', reason: { kind: 'TargetLocked', reasons: ['release freeze'] } }, NOW)).toEqual({ ok: false, lines: ['not promoted: pp is locked (release freeze); unlock it first'] });
    expect(promotionWords(pp, { kind: 'Skipped', reason: { kind: 'NoChange' } }, NOW).ok).toBe(true);
  });

  it('tells when the next window opens in words, in the schedule’s zone or else the reader’s, never as a raw timestamp', () => {
    const scheduled = { kind: 'Skipped' as const, reason: { kind: 'Scheduled' as const, nextRun: '2026-12-03T05:00:00Z' } };
    expect(promotionWords({ ...pp, timezone: 'Europe/Berlin' }, scheduled, NOW, 'America/New_York')).toEqual({ ok: false, lines: ['not promoted: the next window is Thu 06:00 Europe/Berlin (in 9 h)'] });
    expect(promotionWords(pp, scheduled, NOW, 'America/New_York').lines).toEqual(['not promoted: the next window is Thu 00:00 America/New_York (in 9 h)']);
    expect(promotionWords(pp, { kind: 'Skipped', reason: { kind: 'Scheduled' } }, NOW)).toEqual({ ok: false, lines: ['not promoted: the schedule never opens a window again'] });
  });
});
