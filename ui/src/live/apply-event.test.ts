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

  it('shows a snapshot sent in parts from its first part on, appends each part, and knows when it is whole', () => {
    const head = status([resource('a', { latest: '1' })]);
    const first = applyEvent(undefined, { type: 'snapshot', seq: 7, status: head, rest: { parts: 2, resources: 3 } });
    if (first.kind !== 'state') throw new Error('expected a state');
    expect(first.state.pending).toEqual({ parts: 2, total: 4 });
    const second = applyEvent(first.state, { type: 'part', seq: 7, part: { resources: [resource('b', { latest: '1' }), resource('c', { latest: '1' })], reports: { dev: [{ name: 'b', state: 'InProgress', errors: [] }] } } });
    if (second.kind !== 'state') throw new Error('expected a state');
    expect(second.state.pending).toEqual({ parts: 1, total: 4 });
    const last = applyEvent(second.state, { type: 'part', seq: 7, part: { resources: [resource('d', { latest: '1' })], reports: {} } });
    if (last.kind !== 'state') throw new Error('expected a state');
    expect(last.state.pending).toBeUndefined();
    expect(last.state.status.resources.map((r) => r.name)).toEqual(['a', 'b', 'c', 'd']);
    const dev = last.state.status.deployer.state === 'ok' ? last.state.status.deployer.status.environments.find((env) => env.env === 'dev') : undefined;
    expect(dev?.resources.find((report) => report.name === 'b')?.state).toBe('InProgress');
    expect(applyEvent(last.state, { type: 'delta', seq: 8, delta: { commit: 'x' } }).kind).toBe('state');
  });

  it('asks for a fresh snapshot when a part or a delta does not fit what the page holds', () => {
    const part = { type: 'part' as const, seq: 7, part: { resources: [], reports: {} } };
    expect(applyEvent({ seq: 7, status: start }, part).kind).toBe('mismatch');
    expect(applyEvent({ seq: 6, status: start, pending: { parts: 1, total: 3 } }, part).kind).toBe('mismatch');
    expect(applyEvent({ seq: 7, status: start, pending: { parts: 1, total: 3 } }, { type: 'delta', seq: 8, delta: { commit: null } }).kind).toBe('gap');
    const unreachable = { ...start, deployer: { state: 'unknown' as const, url: 'http://d' } };
    const patch = { fetchedAt: 't', environments: [] };
    expect(applyEvent({ seq: 7, status: unreachable }, { type: 'delta', seq: 8, delta: { commit: null, deployerPatch: patch } }).kind).toBe('mismatch');
  });
});
