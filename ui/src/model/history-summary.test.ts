import { describe, expect, it } from 'vitest';
import { historySummary } from './history-words.ts';

describe('historySummary', () => {
  it('says what a promotion moved, marking a step back', () => {
    const body = '* shop/cart 1.5.2 → 1.5.1\n  Roll back shop/cart in dev to 1.5.1\n* payments 2.0 (new)';
    expect(historySummary({ type: 'Transition', subject: 'Promote dev → pp', body })).toBe('Promote dev → pp: shop/cart 1.5.2 → 1.5.1 (downgrade), payments 2.0 (new)');
    expect(historySummary({ type: 'Transition', subject: 'Promote dev → pp', body: '* shop/cart 1.5.1 → 1.5.2' })).toBe('Promote dev → pp: shop/cart 1.5.1 → 1.5.2');
  });

  it('gives a schedule’s window in the viewer’s time instead of UTC', () => {
    const text = historySummary({ type: 'Schedule', subject: 'Schedule prod: next window 2026-12-03T05:00:00.000Z', body: '' });
    expect(text).not.toContain('2026-12-03T05:00');
    expect(text.startsWith('Schedule prod: next window ')).toBe(true);
  });

  it('leaves other commits as they are', () => {
    expect(historySummary({ type: 'Lock', subject: 'Lock prod', body: '' })).toBe('Lock prod');
  });
});
