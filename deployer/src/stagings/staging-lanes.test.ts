import { describe, expect, it } from 'vitest';
import { StagingLanes, type TurnRequest, type TurnUrgency } from './staging-lanes.ts';

/** Work that records its start and waits until the test ends it. */
function gate(log: string[], label: string) {
  let end = () => {};
  const ended = new Promise<void>((resolve) => (end = resolve));
  return { end, work: async () => {
    log.push(label);
    await ended;
  } };
}

const turn = (work: () => Promise<void>, urgency: TurnUrgency = 'changed', more: Partial<TurnRequest> = {}): TurnRequest => ({ target: 't', limit: 1, urgency, generation: 0, work, ...more });

/** Lets started work and the lanes' bookkeeping run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('StagingLanes', () => {
  it('starts the most urgent waiting turn first, the first asked among equals, at most `limit` per target', async () => {
    const lanes = new StagingLanes(() => {});
    const log: string[] = [];
    const gates = Object.fromEntries(['u', 'p', 'c1', 'c2', 'l', 'other'].map((name) => [name, gate(log, name)]));
    lanes.request('u', turn(gates.u!.work, 'unchanged'));
    lanes.request('p', turn(gates.p!.work, 'pending'));
    lanes.request('c1', turn(gates.c1!.work, 'changed'));
    lanes.request('l', turn(gates.l!.work, 'live'));
    lanes.request('c2', turn(gates.c2!.work, 'changed'));
    lanes.request('other', turn(gates.other!.work, 'unchanged', { target: 'elsewhere' }));
    await settle();
    // One slot on `t`, and the other target does not wait for it.
    expect(log).toEqual(['c1', 'other']);
    for (const name of ['c1', 'c2', 'l', 'p']) {
      gates[name]!.end();
      await settle();
    }
    expect(log).toEqual(['c1', 'other', 'c2', 'l', 'p', 'u']);
  });

  it('never runs two turns of one staging at once: asking during a turn gets one more turn after it, with the newest work', async () => {
    const lanes = new StagingLanes(() => {});
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const first = gate(log, 'first');
    const counted = (label: string) => async () => {
      running++;
      most = Math.max(most, running);
      log.push(label);
      running--;
    };
    const done = lanes.request('a', turn(async () => {
      running++;
      most = Math.max(most, running);
      await first.work();
      running--;
    }, 'changed', { limit: 4 }));
    await settle();
    const again = [lanes.request('a', turn(counted('older'), 'live', { limit: 4, generation: 1 })), lanes.request('a', turn(counted('newest'), 'live', { limit: 4, generation: 2 })), lanes.request('a', turn(counted('stale'), 'live', { limit: 4, generation: 1 }))];
    await settle();
    expect(log).toEqual(['first']);
    expect(lanes.busy('a')).toBe(true);
    first.end();
    await done;
    await Promise.all(again);
    expect(log).toEqual(['first', 'newest']);
    expect(most).toBe(1);
    expect(lanes.busy('a')).toBe(false);
  });

  it('keeps a waiting staging in its place, taking the more urgent urgency when asked again', async () => {
    const lanes = new StagingLanes(() => {});
    const log: string[] = [];
    const busy = gate(log, 'busy');
    lanes.request('busy', turn(busy.work));
    await settle();
    lanes.request('x', turn(async () => void log.push('x'), 'changed'));
    lanes.request('y', turn(async () => void log.push('y'), 'pending'));
    lanes.request('y', turn(async () => void log.push('y'), 'changed'));
    lanes.request('x', turn(async () => void log.push('x again'), 'unchanged'));
    busy.end();
    await settle();
    await settle();
    expect(log).toEqual(['busy', 'x again', 'y']);
  });

  it('drops the waiting turns of stagings not kept, and on close starts nothing more but waits for the turn under way', async () => {
    const errors: string[] = [];
    const lanes = new StagingLanes((name) => void errors.push(name));
    const log: string[] = [];
    const busy = gate(log, 'busy');
    lanes.request('busy', turn(busy.work));
    lanes.request('boom', turn(async () => {
      throw new Error('boom');
    }, 'changed', { target: 'other' }));
    const gone = lanes.request('gone', turn(async () => void log.push('gone')));
    const kept = lanes.request('kept', turn(async () => void log.push('kept')));
    await settle();
    lanes.drop(new Set(['busy', 'kept']));
    await gone;
    const closing = lanes.close();
    await kept;
    expect(log).toEqual(['busy']);
    let closed = false;
    void closing.then(() => (closed = true));
    await settle();
    expect(closed).toBe(false);
    busy.end();
    await closing;
    expect(errors).toEqual(['boom']);
    await lanes.request('late', turn(async () => void log.push('late')));
    expect(log).toEqual(['busy']);
  });
});
