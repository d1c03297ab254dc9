// The hub numbers deltas, replays what a reconnecting client missed, and resyncs it when the ring no longer has it.
import { describe, expect, it } from 'vitest';
import type { AggregatorStatus } from '@cascade/common/api';
import { EventHub } from './event-hub.ts';

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
});
