import { describe, expect, it } from 'vitest';
import type { StagingIntent, StagingPhase } from '@cascade/common';
import { beginAction, chooseAction, pendingPhase, settleAction, type StagingActionState } from './actions.ts';

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second));

/** Runs passes: each a file intent with its key, and the phase the target reported. */
function passes(steps: Array<[StagingIntent, string, StagingPhase, string?]>, limit?: number): StagingActionState {
  let state: StagingActionState = { records: [] };
  steps.forEach(([intent, key, phase, reason], i) => {
    state = beginAction(state, { intent, key, now: at(i * 10), commit: `c${i}` }, limit);
    state = settleAction(state, { phase, ...(reason === undefined ? {} : { reason }) }, at(i * 10 + 5), limit);
  });
  return state;
}

describe('chooseAction', () => {
  it('follows the file: cleanup and archive as asked; create first, restore after an archive, update after a finished run', () => {
    expect(chooseAction('cleanup', undefined)).toBe('cleanup');
    expect(chooseAction('archived', { action: 'update', key: 'k', startedAt: '', commit: '', result: 'succeeded' })).toBe('archive');
    expect(chooseAction('active', undefined)).toBe('create');
    expect(chooseAction('active', { action: 'create', key: 'k', startedAt: '', commit: '' })).toBe('create');
    expect(chooseAction('active', { action: 'create', key: 'k', startedAt: '', commit: '', result: 'failed' })).toBe('create');
    expect(chooseAction('active', { action: 'create', key: 'k', startedAt: '', commit: '', result: 'succeeded' })).toBe('update');
    expect(chooseAction('active', { action: 'archive', key: 'k', startedAt: '', commit: '', result: 'succeeded' })).toBe('restore');
    expect(chooseAction('active', { action: 'restore', key: 'k', startedAt: '', commit: '' })).toBe('restore');
    expect(chooseAction('active', { action: 'restore', key: 'k', startedAt: '', commit: '', result: 'succeeded' })).toBe('update');
    expect(chooseAction('active', { action: 'cleanup', key: 'k', startedAt: '', commit: '', result: 'succeeded' })).toBe('create');
  });

  it('maps each step to the phase it shows while under way', () => {
    expect((['create', 'update', 'restore', 'archive', 'cleanup'] as const).map(pendingPhase)).toEqual(['CreatePending', 'UpdatePending', 'UpdatePending', 'ArchivePending', 'CleanupPending']);
  });
});

describe('action records', () => {
  it('records one entry per step with its result and duration, and nothing new while the inputs stay the same', () => {
    const state = passes([
      ['active', 'a', 'CreatePending'],
      ['active', 'a', 'Running'],
      ['active', 'a', 'Running'],
      ['active', 'b', 'UpdatePending'],
      ['active', 'b', 'Running'],
      ['archived', 'c', 'ArchivePending'],
      ['archived', 'c', 'Archived'],
      ['active', 'd', 'Running'],
      ['cleanup', 'e', 'CleanupPending'],
      ['cleanup', 'e', 'CleanedUp'],
    ]);
    expect(state.records.map((r) => [r.action, r.result, r.startedAt, r.finishedAt, r.durationMs, r.commit])).toEqual([
      ['create', 'succeeded', at(0).toISOString(), at(15).toISOString(), 15_000, 'c0'],
      ['update', 'succeeded', at(30).toISOString(), at(45).toISOString(), 15_000, 'c3'],
      ['archive', 'succeeded', at(50).toISOString(), at(65).toISOString(), 15_000, 'c5'],
      ['restore', 'succeeded', at(70).toISOString(), at(75).toISOString(), 5_000, 'c7'],
      ['cleanup', 'succeeded', at(80).toISOString(), at(95).toISOString(), 15_000, 'c8'],
    ]);
    expect(state.phase).toBe('CleanedUp');
  });

  it('records a failure once with its reason, and a later success of the same step as a second entry', () => {
    const state = passes([
      ['active', 'a', 'Failure', 'web: ProgressDeadlineExceeded'],
      ['active', 'a', 'Failure', 'web: ProgressDeadlineExceeded'],
      ['active', 'a', 'Running'],
    ]);
    expect(state.records.map((r) => [r.action, r.result, r.message])).toEqual([
      ['create', 'failed', 'web: ProgressDeadlineExceeded'],
      ['create', 'succeeded', 'Running'],
    ]);
  });

  it('marks a pending step superseded when the file changes before it is done', () => {
    const state = passes([
      ['active', 'a', 'CreatePending'],
      ['active', 'b', 'CreatePending'],
    ]);
    expect(state.records.map((r) => [r.action, r.result])).toEqual([['create', 'superseded'], ['create', 'pending']]);
    expect(state.records[0]!.message).toContain('changed again');
  });

  it('keeps the newest records only, up to the limit', () => {
    const state = passes(Array.from({ length: 8 }, (_, i): [StagingIntent, string, StagingPhase] => ['active', `k${i}`, 'Running']), 3);
    expect(state.records).toHaveLength(3);
    expect(state.records.map((r) => r.commit)).toEqual(['c5', 'c6', 'c7']);
  });

  it('cuts a long failure message, so a record file stays small', () => {
    const state = passes([['active', 'a', 'Failure', 'x'.repeat(10_000)]]);
    expect(state.records[0]!.message!.length).toBeLessThanOrEqual(2001);
  });
});
