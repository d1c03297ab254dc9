// Group commit's policy on its own: how long a batch waits for writers is decided from counts alone.
import { describe, expect, it } from 'vitest';
import { keepGathering } from './write-queue.ts';

describe('keepGathering', () => {
  it('waits until as many writes are queued as the batch before held', () => {
    expect(keepGathering(3, 3, 4, 100)).toBe(true);
    expect(keepGathering(4, 3, 4, 100)).toBe(true);
  });

  it('goes once the target is reached and no more came since it last looked', () => {
    expect(keepGathering(4, 4, 4, 100)).toBe(false);
    expect(keepGathering(9, 9, 4, 100)).toBe(false);
  });

  it('keeps waiting while a burst larger than the batch before it keeps coming', () => {
    // 11 answered, 40 queued and growing: many callers started at once.
    expect(keepGathering(40, 25, 11, 100)).toBe(true);
    expect(keepGathering(60, 40, 11, 100)).toBe(true);
    expect(keepGathering(60, 60, 11, 100)).toBe(false);
  });

  it('looks once more before going with a target met on arrival, and never waits past a full batch', () => {
    expect(keepGathering(5, -1, 4, 100)).toBe(true);
    expect(keepGathering(100, -1, 100, 100)).toBe(false);
    expect(keepGathering(100, 50, 120, 100)).toBe(false);
    expect(keepGathering(0, -1, 4, 4)).toBe(true);
  });
});
