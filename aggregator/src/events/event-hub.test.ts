// The hub numbers deltas, replays what a reconnecting client missed, and resyncs it when the ring no longer has it.
import { describe, expect, it } from 'vitest';
import type { AggregatorStatus } from '@cascade/common/api';
import { EventHub, sequenceStart } from './event-hub.ts';

const status = (commit: string): AggregatorStatus => ({
  commit,
  environments: [],
  resources: [],
  transitions: [],
  problems: [],
  deployer: { state: 'unknown', url: 'http://d' },
  transitioner: { state: 'unknown', url: 'http://t' },
});

describe('EventHub', () => {
  it('publishes only changes, numbered from the start value', () => {
    const hub = new EventHub(status('a'), 100);
    const seen: number[] = [];
    hub.subscribe((e) => seen.push(e.seq));
    expect(hub.publish(status('a'))).toBeUndefined();
    hub.publish(status('b'));
    hub.publish(status('c'));
    expect(seen).toEqual([101, 102]);
  });

  it('replays the missed deltas, nothing when up to date, and a snapshot for unknown or evicted ids', () => {
    const hub = new EventHub(status('a'), 0, 3);
    for (const c of ['b', 'c', 'd', 'e', 'f']) hub.publish(status(c));
    expect(hub.catchUp(3).map((e) => e.seq)).toEqual([4, 5]);
    expect(hub.catchUp(5)).toEqual([]);
    expect(hub.catchUp(1)).toEqual([{ type: 'snapshot', seq: 5, status: status('f') }]);
    expect(hub.catchUp(99)[0]?.type).toBe('snapshot');
    expect(hub.catchUp(undefined)[0]?.type).toBe('snapshot');
  });

  it('answers an id from before a restart with a snapshot, however busy the earlier run was', () => {
    const started = new Date('2024-01-01T00:00:00Z');
    const before = new EventHub(status('a'), sequenceStart(started));
    // An earlier run that published 50 events within its first millisecond.
    for (let i = 0; i < 50; i++) before.publish(status(`old-${i}`));
    const lastSeen = before.current;
    for (const events of [0, 1, 49, 50, 51, 60]) {
      const after = new EventHub(status('x'), sequenceStart(new Date(started.getTime() + 1)));
      for (let i = 0; i < events; i++) after.publish(status(`new-${i}`));
      expect([events, after.catchUp(lastSeen)]).toEqual([events, [{ type: 'snapshot', seq: after.current, status: after.state }]]);
    }
  });
});
