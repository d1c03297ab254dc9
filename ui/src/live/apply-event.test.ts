import { describe, expect, it } from 'vitest';
import { resource, status } from '../model/fixtures/status.ts';
import { applyEvent } from './apply-event.ts';

const start = status([resource('a', { latest: '1' }), resource('c', { latest: '1' })]);

describe('applyEvent', () => {
  it('replaces everything with a snapshot, whatever came before', () => {
    expect(applyEvent(undefined, { type: 'snapshot', seq: 7, status: start })).toEqual({ kind: 'state', state: { seq: 7, status: start } });
  });

  it('upserts and removes resources by name, keeping name order, without touching the old state', () => {
    const applied = applyEvent(
      { seq: 7, status: start },
      { type: 'delta', seq: 8, delta: { commit: 'next', resources: { upsert: [resource('b', { latest: '2' }), resource('a', { latest: '3' })], remove: ['c'] } } },
    );
    if (applied.kind !== 'state') throw new Error('expected a state');
    expect(applied.state.seq).toBe(8);
    expect(applied.state.status.commit).toBe('next');
    expect(applied.state.status.resources.map((r) => [r.name, r.envs.latest?.version])).toEqual([['a', '3'], ['b', '2']]);
    expect(start.resources.map((r) => r.name)).toEqual(['a', 'c']);
  });

  it('reports a gap instead of applying a delta out of order', () => {
    expect(applyEvent({ seq: 7, status: start }, { type: 'delta', seq: 9, delta: { commit: null } })).toEqual({ kind: 'gap', expected: 8, got: 9 });
    expect(applyEvent(undefined, { type: 'delta', seq: 1, delta: { commit: null } }).kind).toBe('gap');
  });
});
