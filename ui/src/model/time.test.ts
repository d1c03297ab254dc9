import { describe, expect, it } from 'vitest';
import { formatDuration, formatWhen } from './time.ts';

const NOW = new Date('2026-11-22T10:00:00Z');

describe('formatWhen', () => {
  it('words times ahead as "in …" and past ones as "… ago"', () => {
    expect(formatWhen('2026-11-22T10:00:30Z', NOW)).toBe('in a minute');
    expect(formatWhen('2026-11-22T10:04:10Z', NOW)).toBe('in 5 min');
    expect(formatWhen('2026-11-22T15:00:00Z', NOW)).toBe('in 5 h');
    expect(formatWhen('2026-11-25T10:00:00Z', NOW)).toBe('in 3 d');
    expect(formatWhen('2026-11-25T09:59:00Z', NOW)).toBe('in 3 d');
    expect(formatWhen('2026-11-23T09:50:00Z', NOW)).toBe('in 1 d');
    expect(formatWhen('2026-11-22T07:00:00Z', NOW)).toBe('3 h ago');
  });
});

describe('formatDuration', () => {
  it('words the durations of stagings.yaml', () => {
    expect([formatDuration(14 * 86_400_000), formatDuration(86_400_000), formatDuration(12 * 3_600_000), formatDuration(36 * 3_600_000), formatDuration(30 * 60_000)]).toEqual([
      '14 days',
      '1 day',
      '12 hours',
      '36 hours',
      '30 minutes',
    ]);
  });
});
