import { describe, expect, it } from 'vitest';
import { ManualClock } from '@cascade/common/service';
import { createStagingNews } from './staging-news.ts';

function newsWithNotes() {
  const clock = new ManualClock();
  const notes: string[] = [];
  const news = createStagingNews({ clock, intervalMs: 500, notify: (reason) => void notes.push(reason) });
  return { clock, notes, news };
}

describe('createStagingNews', () => {
  it('tells the peers twice of a hundred stagings changing at once: the first at once, the rest at the end of the interval', async () => {
    const { clock, notes, news } = newsWithNotes();
    for (let i = 1; i <= 100; i++) news.changed(`s-${i}`);
    expect(notes).toEqual(['stagings changed: s-1']);
    await clock.whenSleeping();
    expect(clock.pendingDelays()).toEqual([500]);
    await clock.advance(499);
    expect(notes).toHaveLength(1);
    await clock.advance(1);
    expect(notes).toEqual(['stagings changed: s-1', 'stagings changed: s-2, s-3, s-4, s-5, s-6, s-7, s-8, s-9, s-10, s-11 and 89 more']);
    // Quiet: nothing more is sent, and nothing waits.
    await clock.advance(1000);
    expect(notes).toHaveLength(2);
    expect(clock.sleeping).toBe(0);
  });

  it('sends at once again after a quiet interval', async () => {
    const { clock, notes, news } = newsWithNotes();
    news.changed('a');
    await clock.advance(500);
    news.changed('b');
    expect(notes).toEqual(['stagings changed: a', 'stagings changed: b']);
    expect(clock.sleeping).toBe(0);
  });

  it('joins the gathered stagings to an announcement sent at once, and sends nothing after closing', async () => {
    const { clock, notes, news } = newsWithNotes();
    news.changed('a');
    news.changed('b');
    news.announce('rollout changed in dev');
    expect(notes).toEqual(['stagings changed: a', 'rollout changed in dev; stagings changed: b']);
    await clock.advance(1000);
    expect(notes).toHaveLength(2);
    news.close();
    news.changed('c');
    news.announce('rollout changed in pp');
    await clock.advance(1000);
    expect(notes).toHaveLength(2);
  });
});
