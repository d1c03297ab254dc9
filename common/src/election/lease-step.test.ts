import { describe, expect, it } from 'vitest';
import { heldByOther, nextLeaseStep, observe, type LeaseRecord } from './lease-step.ts';

const record = (holder: string | undefined, version: string, durationMs = 15_000): LeaseRecord => ({ holder, durationMs, version, transitions: 0 });

describe('nextLeaseStep', () => {
  it('creates a Lease nobody made yet, renews its own, and takes a released one at once', () => {
    expect(nextLeaseStep(undefined, 'a', 0)).toEqual({ kind: 'create' });
    expect(nextLeaseStep({ record: record('a', '1'), seenAt: 0 }, 'a', 1e9)).toEqual({ kind: 'renew' });
    expect(nextLeaseStep({ record: record(undefined, '1'), seenAt: 100 }, 'b', 100)).toEqual({ kind: 'take' });
    expect(nextLeaseStep({ record: record('', '1'), seenAt: 100 }, 'b', 100)).toEqual({ kind: 'take' });
  });

  it("waits for another holder until its record stayed unchanged for the Lease's duration, on the observer's clock", () => {
    const seen = { record: record('a', '7', 15_000), seenAt: 1_000 };
    expect(nextLeaseStep(seen, 'b', 1_000)).toEqual({ kind: 'wait', holder: 'a', expiresInMs: 15_000 });
    expect(nextLeaseStep(seen, 'b', 15_999)).toMatchObject({ kind: 'wait', expiresInMs: 1 });
    expect(nextLeaseStep(seen, 'b', 16_000)).toEqual({ kind: 'take' });
  });
});

describe('observe', () => {
  it('keeps the first sighting while the version stays, and starts again when the holder renewed', () => {
    const first = observe(undefined, record('a', '1'), 10)!;
    expect(observe(first, record('a', '1'), 500)).toEqual({ record: record('a', '1'), seenAt: 10 });
    expect(observe(first, record('a', '2'), 500)).toEqual({ record: record('a', '2'), seenAt: 500 });
    expect(observe(first, undefined, 500)).toBeUndefined();
  });

  it('counts a holder as alive until its Lease expired, and never oneself', () => {
    const seen = observe(undefined, record('a', '1', 1000), 0);
    expect(heldByOther(seen, 'b', 999)).toBe(true);
    expect(heldByOther(seen, 'b', 1000)).toBe(false);
    expect(heldByOther(seen, 'a', 0)).toBe(false);
    expect(heldByOther(undefined, 'b', 0)).toBe(false);
  });
});
