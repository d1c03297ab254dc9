import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../api/wire.ts';
import { historySummary, matchesHistoryFilter } from './history-words.ts';

describe('historySummary', () => {
  it('says what a promotion moved as the aggregator read it, marking a step back in pipeline order', () => {
    const moves = [
      { resource: 'shop/cart', env: 'pp', from: '1.5.2', to: '1.5.1', downgrade: true },
      { resource: 'payments', env: 'pp', to: '2.0' },
    ];
    expect(historySummary({ type: 'Transition', subject: 'Promote dev → pp', moves })).toBe('Promote dev → pp: shop/cart 1.5.2 → 1.5.1 (downgrade), payments 2.0 (new)');
    expect(historySummary({ type: 'Transition', subject: 'Promote dev → pp', moves: [{ resource: 'shop/cart', env: 'pp', from: '1.5.1', to: '1.5.2', downgrade: false }] })).toBe('Promote dev → pp: shop/cart 1.5.1 → 1.5.2');
  });

  it('marks nothing where the pipeline order is unknown, however the numbers compare', () => {
    const moves = [{ resource: 'shop/cart', env: 'prod', from: '1.6.0', to: '1.5.1' }];
    expect(historySummary({ type: 'Transition', subject: 'Promote pp → prod', moves })).toBe('Promote pp → prod: shop/cart 1.6.0 → 1.5.1');
  });

  it('names the first three moves of a large promotion and counts the rest', () => {
    const moves = ['a', 'b', 'c', 'd', 'e'].map((resource) => ({ resource, env: 'pp', from: '1', to: '2', downgrade: false }));
    expect(historySummary({ type: 'Transition', subject: 'Promote dev → pp', moves })).toBe('Promote dev → pp: a 1 → 2, b 1 → 2, c 1 → 2, and 2 more');
  });

  it('gives a schedule’s window in the viewer’s time instead of UTC', () => {
    const entry = { type: 'Schedule' as const, subject: 'Schedule prod: next window 2026-12-03T05:00:00.000Z' };
    expect(historySummary(entry, 'Europe/Berlin')).toBe('Schedule prod: next window Thu 3 Dec 06:00');
    expect(historySummary(entry, 'America/New_York')).toBe('Schedule prod: next window Thu 3 Dec 00:00');
    expect(historySummary({ type: 'Schedule', subject: 'Schedule prod: next window never' })).toBe('Schedule prod: next window never');
  });

  it('leaves other commits as they are', () => {
    expect(historySummary({ type: 'Lock', subject: 'Lock prod' })).toBe('Lock prod');
  });
});

describe('matchesHistoryFilter', () => {
  const entry = (type: HistoryEntry['type']): HistoryEntry => ({ commit: 'c', parents: [], type, author: { name: 'a', email: '' }, time: '', subject: '', body: '', environments: ['prod'], resources: [], versions: [], trailers: [] });

  it('keeps a live commit out of a page that leaves its type out, or lists only another type', () => {
    expect(matchesHistoryFilter(entry('Schedule'), { excludeType: 'Schedule' })).toBe(false);
    expect(matchesHistoryFilter(entry('Transition'), { excludeType: 'Schedule' })).toBe(true);
    expect(matchesHistoryFilter(entry('Schedule'), { type: 'Schedule' })).toBe(true);
    expect(matchesHistoryFilter(entry('Lock'), { type: 'Schedule' })).toBe(false);
  });
});
