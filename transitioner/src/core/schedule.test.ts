// Scheduled transitions on fixtures: windows from transition_state.yaml, recorded in the promotion commit.
import { describe, expect, it } from 'vitest';
import { decideOn } from './decide-on-fixture.ts';

describe('schedule', () => {
  it('skips before the window opens', async () => {
    const { fx, summary } = await decideOn('schedule.yaml', { now: '2024-01-02T04:00:00Z' });
    expect(summary).toEqual(['prod: Skipped Scheduled 2024-01-02T05:00:00.000Z']);
    await fx.assertRefMatches('main', 'head');
  });

  it('promotes in the window and stores the next one in the same commit', async () => {
    const { fx, summary } = await decideOn('schedule.yaml', { now: '2024-01-02T05:10:00Z' });
    expect(summary).toEqual(['prod: Promote shop/cart changed 1.0→1.1']);
    await fx.assertRefMatches('main', 'promoted');
  });

  it('after a restart neither repeats the window nor loses it', async () => {
    // Restarted after the commit: the window is used, a newer pp version waits for the next one.
    const after = await decideOn('schedule.yaml', { at: 'promoted-then-new-pp', now: '2024-01-02T05:20:00Z' });
    expect(after.summary).toEqual(['prod: Skipped Scheduled 2024-01-03T05:00:00.000Z']);
    await after.fx.assertRefMatches('main', 'promoted-then-new-pp');
    // Restarted before the commit reached the remote: the stored window is still open, so it runs now.
    const before = await decideOn('schedule.yaml', { at: 'head', now: '2024-01-02T05:10:00Z' });
    expect(before.summary).toEqual(['prod: Promote shop/cart changed 1.0→1.1']);
    await before.fx.assertRefMatches('main', 'promoted');
  });

  it('uses up a due window with nothing to promote', async () => {
    const { fx, summary } = await decideOn('schedule.yaml', { at: 'nothing-to-promote', now: '2024-01-02T05:10:00Z' });
    expect(summary).toEqual(['prod: Skipped NoChange']);
    await fx.assertRefMatches('main', 'window-used');
  });

  it('starts a schedule without stored state at the next window, not at once', async () => {
    const { fx, summary } = await decideOn('schedule.yaml', { at: 'no-state', now: '2024-01-01T12:00:00Z' });
    expect(summary).toEqual(['prod: Skipped Scheduled 2024-01-02T05:00:00.000Z']);
    await fx.assertRefMatches('main', 'initialized');
  });

  it('a manual run ignores the schedule, records lastRun and keeps the coming window', async () => {
    const { fx, summary } = await decideOn('schedule.yaml', { now: '2024-01-02T04:00:00Z', manual: 'prod' });
    expect(summary).toEqual(['prod: Promote shop/cart changed 1.0→1.1']);
    await fx.assertRefMatches('main', 'manual');
  });
});

describe('a changed schedule', () => {
  it('made daily from weekly: the next daily window, not the stored Monday', async () => {
    const { fx, summary } = await decideOn('schedule-changed.yaml', { now: '2024-01-03T12:00:00Z' });
    expect(summary).toEqual(['prod: Skipped Scheduled 2024-01-04T05:00:00.000Z']);
    await fx.assertRefMatches('main', 'recomputed');
    const next = await decideOn('schedule-changed.yaml', { at: 'recomputed', now: '2024-01-04T05:10:00Z' });
    expect(next.summary).toEqual(['prod: Promote shop/cart changed 1.0→1.1']);
    await next.fx.assertRefMatches('main', 'promoted');
  });

  it('made every five seconds from yearly: the next window in seconds, not in a year', async () => {
    const { fx, summary } = await decideOn('schedule-more-often.yaml', { now: '2024-01-02T05:10:02Z' });
    expect(summary).toEqual(['prod: Skipped Scheduled 2024-01-02T05:10:05.000Z']);
    await fx.assertRefMatches('main', 'recomputed');
    const next = await decideOn('schedule-more-often.yaml', { at: 'recomputed', now: '2024-01-02T05:10:06Z' });
    expect(next.summary).toEqual(['prod: Promote shop/cart changed 1.0→1.1']);
    await next.fx.assertRefMatches('main', 'promoted');
  });

  it('never promotes at once because the rule changed, even in an open window of the old rule', async () => {
    const { fx, summary } = await decideOn('schedule-more-often.yaml', { now: '2025-01-01T05:00:30Z' });
    expect(summary).toEqual(['prod: Skipped Scheduled 2025-01-01T05:00:35.000Z']);
    await fx.assertRefMatches('main', 'old-window-recomputed');
  });

  it('takes the next window of the rule for a future window stored without its schedule', async () => {
    const { fx, summary } = await decideOn('schedule-changed.yaml', { at: 'unrecorded', now: '2024-01-03T12:00:00Z' });
    expect(summary).toEqual(['prod: Skipped Scheduled 2024-01-04T05:00:00.000Z']);
    await fx.assertRefMatches('main', 'recomputed');
  });

  it('uses an open window stored without its schedule, when the rule fires at it', async () => {
    const { fx, summary } = await decideOn('schedule-changed.yaml', { at: 'unrecorded-open', now: '2024-01-03T12:00:00Z' });
    expect(summary).toEqual(['prod: Promote shop/cart changed 1.0→1.1']);
    await fx.assertRefMatches('main', 'unrecorded-open-used');
  });

  it('a manual run keeps the coming window of the new rule', async () => {
    const { fx, summary } = await decideOn('schedule-changed.yaml', { now: '2024-01-03T12:00:00Z', manual: 'prod' });
    expect(summary).toEqual(['prod: Promote shop/cart changed 1.0→1.1']);
    await fx.assertRefMatches('main', 'manual');
  });
});
