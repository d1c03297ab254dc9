// The change log answers exactly the names recorded after a mark, or says it cannot tell.
import { describe, expect, it } from 'vitest';
import { createPrng } from '@cascade/common/testing';
import { ChangeLog } from './change-log.ts';

describe('ChangeLog', () => {
  it('answers the names recorded after a mark, and cannot tell past what it keeps or across recordAll', () => {
    const log = new ChangeLog(8);
    const start = log.mark;
    log.record('a');
    const afterA = log.mark;
    log.record('b');
    log.record('a');
    expect(log.since(start)).toEqual(new Set(['a', 'b']));
    expect(log.since(afterA)).toEqual(new Set(['b', 'a']));
    expect(log.since(log.mark)).toEqual(new Set());
    for (let i = 0; i < 10; i++) log.record(`n${i}`);
    expect(log.since(start)).toBeUndefined();
    const mark = log.mark;
    log.recordAll();
    expect(log.mark).not.toBe(mark);
    expect(log.since(mark)).toBeUndefined();
    log.record('c');
    expect(log.since(mark)).toBeUndefined();
    expect(log.since(mark + 1)).toEqual(new Set(['c']));
  });

  it('over random walks, is either the exact set of names recorded since or undefined, and defined for recent marks', () => {
    const prng = createPrng(7);
    const log = new ChangeLog(16);
    const history: Array<{ mark: number; at: number }> = [];
    const recorded: Array<string | null> = [];
    for (let step = 0; step < 2000; step++) {
      history.push({ mark: log.mark, at: recorded.length });
      if (prng.chance(0.02)) {
        log.recordAll();
        recorded.push(null);
      } else {
        const name = `r${prng.int(20)}`;
        log.record(name);
        recorded.push(name);
      }
      const { mark, at } = history[prng.int(history.length)]!;
      const since = recorded.slice(at);
      const answer = log.since(mark);
      if (since.includes(null)) expect(answer).toBeUndefined();
      else if (answer !== undefined) expect(answer).toEqual(new Set(since));
      // What happened in the last few steps is always known (the limit keeps at least half of it).
      if (since.length <= 8 && !since.includes(null)) expect(answer).toEqual(new Set(since));
    }
  });
});
