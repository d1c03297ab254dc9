// The hub numbers deltas, replays what a reconnecting client missed, and resyncs it when the ring no longer has it.
import { describe, expect, it } from 'vitest';
import type { ResourceStatus } from '@cascade/common';
import { applyDelta, type AggregatorStatus, type StatusEvent } from '@cascade/common/api';
import { createPrng, type Prng } from '@cascade/common/testing';
import { deltaWeight, statusWeight } from './delta-weight.ts';
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

  it('keeps no more deltas than the state holds records: a client that missed more gets the snapshot, which is smaller', () => {
    const hub = new EventHub(deployed(reports(300, 'v0')));
    expect(statusWeight(hub.state)).toBe(300);
    // Each round re-reports 100 resources: 101 records a delta, so two fit within the state's 300 and a third does not.
    for (let round = 1; round <= 4; round++) hub.publish(deployed(reports(300, 'v0').map((report, i) => (i < 100 ? { ...report, version: `v${round}` } : report))));
    expect(hub.catchUp(2).map((event) => event.seq)).toEqual([3, 4]);
    expect(hub.catchUp(1)).toEqual([{ type: 'snapshot', seq: 4, status: hub.state }]);
  });

  it('brings every client to the current state, from any state it saw, with deltas carrying no more than the state (random walks)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const prng = createPrng(seed);
      let current = deployed(reports(prng.int(40), 'v0'));
      const hub = new EventHub(current);
      const seen = new Map<number, AggregatorStatus>([[hub.current, current]]);
      for (let step = 0; step < 80; step++) {
        current = deployed(nextReports(prng, current));
        hub.publish(current);
        seen.set(hub.current, current);
        // The whole ring: the deltas after the oldest state it still leads on from.
        const ring = [...seen.keys()].map((seq) => hub.catchUp(seq)).find((events) => events[0]?.type === 'delta') ?? [];
        const kept = ring.filter((event) => event.type === 'delta');
        const weight = kept.reduce((sum, event) => sum + deltaWeight(event.delta), 0);
        if (kept.length > 1) expect([seed, step, weight <= Math.max(100, statusWeight(current))]).toEqual([seed, step, true]);
        const [lastSeen, before] = prng.pick([...seen.entries()]);
        expect([seed, step, caughtUp(before, hub.catchUp(lastSeen))]).toEqual([seed, step, hub.state]);
      }
    }
  });
});

/** A status whose deployer reports `resources` in one environment. */
function deployed(resources: ResourceStatus[]): AggregatorStatus {
  return { ...status('c'), deployer: { state: 'ok', url: 'http://d', fetchedAt: 't', status: { environments: [{ env: 'dev', target: 'local', state: 'Clean', resources }] } } };
}

/** `count` reports named r000…, each at `version`. */
function reports(count: number, version: string): ResourceStatus[] {
  return Array.from({ length: count }, (_, i) => ({ name: `r${String(i).padStart(3, '0')}`, state: 'Clean' as const, version, errors: [] }));
}

/** The reports after a random change: a few or many re-versioned, some removed, some added. */
function nextReports(prng: Prng, status: AggregatorStatus): ResourceStatus[] {
  const before = status.deployer.state === 'ok' ? status.deployer.status.environments[0]!.resources : [];
  const share = prng.pick([0.02, 0.1, 0.5, 1]);
  const kept = before.filter(() => !prng.chance(0.03)).map((report) => (prng.chance(share) ? { ...report, version: `v${prng.int(1000)}` } : report));
  const added = reports(prng.int(3), `v${prng.int(1000)}`).map((report) => ({ ...report, name: `${report.name}-${prng.int(1000)}` }));
  const byName = new Map([...kept, ...added].map((report) => [report.name, report]));
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** What a client that had `before` holds after `events`. */
function caughtUp(before: AggregatorStatus, events: StatusEvent[]): AggregatorStatus {
  return events.reduce((state, event) => (event.type === 'snapshot' ? event.status : applyDelta(state, event.delta)), before);
}
