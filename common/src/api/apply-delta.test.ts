import { describe, expect, it } from 'vitest';
import type { DeployerStatus, ResourceStatus } from '../status/deployer.ts';
import { applyDelta } from './apply-delta.ts';
import { DeltaMismatchError } from './deployer-patch.ts';
import type { AggregatorStatus, PeerStatus, ResourceView } from './status.ts';

const view = (name: string, version = '1'): ResourceView => ({ name, envs: { dev: { kind: 'template', version, lockReasons: [], locked: false } }, versions: [] });
const report = (name: string, state: ResourceStatus['state'] = 'Clean'): ResourceStatus => ({ name, state, errors: [] });
const deployer = (reports: ResourceStatus[]): PeerStatus<DeployerStatus> => ({
  state: 'ok',
  url: 'http://d',
  fetchedAt: 't0',
  status: { commit: 'c1', environments: [{ env: 'dev', target: 'local', state: 'Clean', resources: reports }], stagings: [] },
});

function status(resources: ResourceView[], reports: ResourceStatus[]): AggregatorStatus {
  return { commit: 'c1', environments: [{ name: 'dev', lockReasons: [] }], resources, transitions: [], problems: [], deployer: deployer(reports), transitioner: { state: 'unknown', url: 'http://t' } };
}

describe('applyDelta', () => {
  it('replaces upserted resources in place, keeping every other object, and sorts when names come or go', () => {
    const before = status([view('a'), view('b'), view('c')], []);
    const replaced = applyDelta(before, { commit: 'c2', resources: { upsert: [view('b', '2')], remove: [] } });
    expect(replaced.resources.map((r) => [r.name, r.envs.dev?.version])).toEqual([['a', '1'], ['b', '2'], ['c', '1']]);
    expect(replaced.resources[0]).toBe(before.resources[0]);
    const moved = applyDelta(before, { commit: 'c2', resources: { upsert: [view('aa')], remove: ['c'] } });
    expect(moved.resources.map((r) => r.name)).toEqual(['a', 'aa', 'b']);
    expect(before.resources.map((r) => r.name)).toEqual(['a', 'b', 'c']);
  });

  it("patches the deployer's reports: changed ones in place, removed ones dropped, new ones appended", () => {
    const before = status([], [report('a'), report('b'), report('c')]);
    const after = applyDelta(before, {
      commit: 'c1',
      deployerPatch: { fetchedAt: 't1', commit: 'c2', environments: [{ env: 'dev', target: 'local', state: 'InProgress', reports: { upsert: [report('b', 'InProgress'), report('d')], remove: ['a'] } }] },
    });
    expect(after.deployer).toEqual({
      state: 'ok',
      url: 'http://d',
      fetchedAt: 't1',
      status: { commit: 'c2', environments: [{ env: 'dev', target: 'local', state: 'InProgress', resources: [report('b', 'InProgress'), report('c'), report('d')] }], stagings: [] },
    });
    if (after.deployer.state === 'ok' && before.deployer.state === 'ok') expect(after.deployer.status.environments[0]!.resources[1]).toBe(before.deployer.status.environments[0]!.resources[2]);
  });

  it('refuses a deployer patch for a deployer that is not reporting, so the client asks for a snapshot', () => {
    const before: AggregatorStatus = { ...status([], []), deployer: { state: 'unknown', url: 'http://d' } };
    const patch = { fetchedAt: 't1', environments: [{ env: 'dev', target: 'local', state: 'Clean' as const, reports: { upsert: [], remove: [] } }] };
    expect(() => applyDelta(before, { commit: 'c1', deployerPatch: patch })).toThrow(DeltaMismatchError);
  });
});
