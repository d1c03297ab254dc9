// Scheduled transitions on fixtures: windows from transition_state.yaml, recorded in the promotion commit.
import { describe, it } from 'vitest';
import { expectRound } from '../testing/decide-on-fixture.ts';

const PROMOTED = ['prod: Promote shop/cart changed 1.0→1.1'];
/** The summary of a round that skips prod until the window at `nextRun`. */
const scheduledAt = (nextRun: string) => [`prod: Skipped Scheduled ${nextRun}`];

describe('schedule', () => {
  it('skips before the window opens', () => expectRound('schedule.yaml', { now: '2024-01-02T04:00:00Z' }, scheduledAt('2024-01-02T05:00:00.000Z'), 'head'));

  it('promotes in the window and stores the next one in the same commit', () => expectRound('schedule.yaml', { now: '2024-01-02T05:10:00Z' }, PROMOTED, 'promoted'));

  it('after a restart neither repeats the window nor loses it', async () => {
    // Restarted after the commit: the window is used, a newer pp version waits for the next one.
    await expectRound('schedule.yaml', { at: 'promoted-then-new-pp', now: '2024-01-02T05:20:00Z' }, scheduledAt('2024-01-03T05:00:00.000Z'), 'promoted-then-new-pp');
    // Restarted before the commit reached the remote: the stored window is still open, so it runs now.
    await expectRound('schedule.yaml', { at: 'head', now: '2024-01-02T05:10:00Z' }, PROMOTED, 'promoted');
  });

  it('uses up a due window with nothing to promote', () =>
    expectRound('schedule.yaml', { at: 'nothing-to-promote', now: '2024-01-02T05:10:00Z' }, ['prod: Skipped NoChange'], 'window-used'));

  it('starts a schedule without stored state at the next window, not at once', () =>
    expectRound('schedule.yaml', { at: 'no-state', now: '2024-01-01T12:00:00Z' }, scheduledAt('2024-01-02T05:00:00.000Z'), 'initialized'));

  it('a manual run ignores the schedule, records lastRun and keeps the coming window', () =>
    expectRound('schedule.yaml', { now: '2024-01-02T04:00:00Z', manual: 'prod' }, PROMOTED, 'manual'));
});

describe('a changed schedule', () => {
  it('made daily from weekly: the next daily window, not the stored Monday', async () => {
    await expectRound('schedule-changed.yaml', { now: '2024-01-03T12:00:00Z' }, scheduledAt('2024-01-04T05:00:00.000Z'), 'recomputed');
    await expectRound('schedule-changed.yaml', { at: 'recomputed', now: '2024-01-04T05:10:00Z' }, PROMOTED, 'promoted');
  });

  it('made every five seconds from yearly: the next window in seconds, not in a year', async () => {
    await expectRound('schedule-more-often.yaml', { now: '2024-01-02T05:10:02Z' }, scheduledAt('2024-01-02T05:10:05.000Z'), 'recomputed');
    await expectRound('schedule-more-often.yaml', { at: 'recomputed', now: '2024-01-02T05:10:06Z' }, PROMOTED, 'promoted');
  });

  it('never promotes at once because the rule changed, even in an open window of the old rule', () =>
    expectRound('schedule-more-often.yaml', { now: '2025-01-01T05:00:30Z' }, scheduledAt('2025-01-01T05:00:35.000Z'), 'old-window-recomputed'));

  it('takes the next window of the rule for a future window stored without its schedule', () =>
    expectRound('schedule-changed.yaml', { at: 'unrecorded', now: '2024-01-03T12:00:00Z' }, scheduledAt('2024-01-04T05:00:00.000Z'), 'recomputed'));

  it('uses an open window stored without its schedule, when the rule fires at it', () =>
    expectRound('schedule-changed.yaml', { at: 'unrecorded-open', now: '2024-01-03T12:00:00Z' }, PROMOTED, 'unrecorded-open-used'));

  it('a manual run keeps the coming window of the new rule', () => expectRound('schedule-changed.yaml', { now: '2024-01-03T12:00:00Z', manual: 'prod' }, PROMOTED, 'manual'));
});
