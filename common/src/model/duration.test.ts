import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it('reads single and combined units', () => {
    expect(parseDuration('10s')).toBe(10_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('7d')).toBe(604_800_000);
  });

  it('rejects anything else', () => {
    for (const bad of ['', '10', 's', '10 s', '1h 30m', '-5s', '5x', '5s!', '1e3s']) expect(parseDuration(bad)).toBeUndefined();
  });

  it('round-trips through formatDuration', () => {
    for (const ms of [0, 250, 10_000, 5_400_000, 90_061_001]) expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});
