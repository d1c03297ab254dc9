import { describe, expect, it } from 'vitest';
import { TargetBackoff } from './target-backoff.ts';

describe('TargetBackoff', () => {
  const at = (ms: number) => new Date(ms);

  it('waits longer after each failure, up to the cap, and only for the target that failed', () => {
    const backoff = new TargetBackoff({ initial: 1000, max: 4000 }, () => 1 - 1e-9);
    expect(backoff.due('a', at(0))).toBe(true);
    const delays = [0, 1, 2, 3].map(() => backoff.failed('a', at(0)).getTime());
    expect(delays).toEqual([1000, 2000, 4000, 4000]);
    expect(backoff.due('a', at(3999))).toBe(false);
    expect(backoff.due('a', at(4000))).toBe(true);
    expect(backoff.due('b', at(0))).toBe(true);
  });

  it('starts over once the target answers', () => {
    const backoff = new TargetBackoff({ initial: 1000, max: 60_000 }, () => 1 - 1e-9);
    backoff.failed('a', at(0));
    backoff.failed('a', at(0));
    backoff.succeeded('a');
    expect(backoff.due('a', at(0))).toBe(true);
    expect(backoff.failed('a', at(0)).getTime()).toBe(1000);
  });
});
