import { describe, expect, it } from 'vitest';
import { goReadsAsNonString, goTimestamp } from './go-yaml-scalars.ts';

describe('go-yaml timestamps', () => {
  it.each([
    ['2026-12-31', '2026-12-31T00:00:00Z'],
    ['2026-1-2', '2026-01-02T00:00:00Z'],
    ['2026-01-02T03:04:05Z', '2026-01-02T03:04:05Z'],
    ['2026-01-02t3:4:5.120Z', '2026-01-02T03:04:05.12Z'],
    ['2026-01-02T03:04:05+02:00', '2026-01-02T03:04:05+02:00'],
    ['2026-01-02T03:04:05+00:00', '2026-01-02T03:04:05Z'],
    ['2026-01-02 03:04:05', '2026-01-02T03:04:05Z'],
  ])('reads %s as Go writes it: %s', (text, canonical) => {
    expect(goTimestamp(text)?.canonical).toBe(canonical);
  });

  it.each(['2026-13-01', '2026-02-30', '2026-01-02T24:00:00Z', '26-01-02', '2026-01-02T03:04:05', 'x2026-01-02', '2026-01-02 '])('keeps %s a string', (text) => {
    expect(goTimestamp(text)).toBeUndefined();
  });

  it('knows the number forms go-yaml reads that the core schema does not', () => {
    for (const text of ['1_000', '0b101', '0X1F', '2026-01-02', '+1', '.5']) expect(goReadsAsNonString(text), text).toBe(true);
    for (const text of ['1.42.0', 'v1', 'sk_live_1', '12ab', '']) expect(goReadsAsNonString(text), text).toBe(false);
  });
});
