import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from './clock.ts';

describe('ManualClock', () => {
  it('wakes sleepers in deadline order only when advanced past their deadline', async () => {
    const clock = new ManualClock('2024-01-01T00:00:00Z');
    const woke: string[] = [];
    void clock.sleep(300).then(() => woke.push(`b@${clock.now().toISOString()}`));
    void clock.sleep(100).then(() => woke.push(`a@${clock.now().toISOString()}`));
    await clock.advance(99);
    expect(woke).toEqual([]);
    await clock.advance(1000);
    expect(woke).toEqual(['a@2024-01-01T00:00:00.100Z', 'b@2024-01-01T00:00:00.300Z']);
    expect(clock.now().toISOString()).toBe('2024-01-01T00:00:01.099Z');
  });

  it('resolves a sleep early when its signal aborts', async () => {
    const clock = new ManualClock();
    const abort = new AbortController();
    const sleeping = clock.sleep(1000, abort.signal);
    await clock.whenSleeping(1);
    abort.abort();
    await sleeping;
    expect(clock.sleeping).toBe(0);
  });
});

describe('systemClock', () => {
  it('resolves an aborted sleep without waiting', async () => {
    const abort = new AbortController();
    abort.abort();
    await systemClock.sleep(60_000, abort.signal);
    expect(systemClock.now()).toBeInstanceOf(Date);
  });
});
