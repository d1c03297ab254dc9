// A delta weighs the records it carries; a state the records it holds, the deployer's reports among them.
import { describe, expect, it } from 'vitest';
import type { ResourceStatus } from '@cascade/common';
import type { AggregatorStatus, HistoryEntry, ResourceView } from '@cascade/common/api';
import { deltaWeight, statusWeight } from './delta-weight.ts';

const report = (name: string): ResourceStatus => ({ name, state: 'Clean', errors: [] });
const resource = (name: string): ResourceView => ({ name, envs: {}, versions: [] });
const commit: HistoryEntry = { commit: 'c', parents: [], type: 'Manual', author: { name: 'a', email: 'a@example.com' }, time: 't', subject: 's', body: '', environments: [], resources: [], versions: [], trailers: [] };

describe('deltaWeight and statusWeight', () => {
  it('count upserted reports and resources, replaced lists and new commits, not what a delta only removes', () => {
    expect(deltaWeight({ commit: 'c' })).toBe(1);
    expect(deltaWeight({ commit: 'c', resources: { upsert: [resource('a'), resource('b')], remove: ['x', 'y', 'z'] } })).toBe(3);
    const patch = { fetchedAt: 't', environments: [
      { env: 'dev', target: 'local', state: 'Clean' as const, reports: { upsert: [report('a')], remove: ['b'] } },
      { env: 'pp', target: 'local', state: 'Clean' as const, resources: [report('a'), report('b')] },
    ] };
    expect(deltaWeight({ commit: 'c', deployerPatch: patch, commits: [commit] })).toBe(5);
    expect(deltaWeight({ commit: 'c', deployer: { state: 'unreachable', url: 'u', since: 't', message: 'm' } })).toBe(1);
  });

  it('count a state by its lists, the deployer reports of every environment among them', () => {
    const state: AggregatorStatus = {
      commit: 'c',
      environments: [],
      resources: [resource('a')],
      transitions: [],
      problems: [],
      deployer: { state: 'ok', url: 'u', fetchedAt: 't', status: { environments: [
        { env: 'dev', target: 'local', state: 'Clean', resources: [report('a'), report('b')] },
        { env: 'pp', target: 'local', state: 'Clean', resources: [report('a')] },
      ] } },
      transitioner: { state: 'unknown', url: 'u' },
    };
    expect(statusWeight(state)).toBe(4);
    expect(statusWeight({ ...state, deployer: { state: 'unknown', url: 'u' } })).toBe(1);
  });
});
