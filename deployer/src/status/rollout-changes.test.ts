import { describe, expect, it } from 'vitest';
import type { DeployerStatus, EnvironmentStatus } from '@cascade/common';
import { changedEnvironments, rolloutInProgress } from './rollout-changes.ts';

const env = (name: string, state: EnvironmentStatus['state'], commit = 'c1', resources: EnvironmentStatus['resources'] = []): EnvironmentStatus => ({ env: name, target: 'local', commit, state, resources });
const status = (...environments: EnvironmentStatus[]): DeployerStatus => ({ commit: 'c1', environments });

describe('changedEnvironments', () => {
  it('names environments whose state or commit changed, and ones that appeared or went away', () => {
    const before = status(env('dev', 'InProgress'), env('pp', 'Clean'), env('prod', 'Clean'), env('old', 'Clean'));
    const after = status(env('dev', 'Clean'), env('pp', 'Clean', 'c2'), env('prod', 'Clean'), env('new', 'Outdated'));
    expect(changedEnvironments(before, after)).toEqual(['dev', 'pp', 'new', 'old']);
  });

  it('ignores per-resource details under an unchanged state and commit', () => {
    const before = status(env('dev', 'InProgress', 'c1', [{ name: 'shop/cart', state: 'InProgress', reason: 'NotAllUpdated 1/3', errors: [] }]));
    const after = status(env('dev', 'InProgress', 'c1', [{ name: 'shop/cart', state: 'InProgress', reason: 'NotAllUpdated 2/3', errors: [] }]));
    expect(changedEnvironments(before, after)).toEqual([]);
    expect(changedEnvironments(status(), status())).toEqual([]);
  });

  it('counts a target turning unreachable as a change', () => {
    expect(changedEnvironments(status(env('dev', 'Clean')), status(env('dev', 'Unreachable')))).toEqual(['dev']);
  });
});

describe('rolloutInProgress', () => {
  it('is true while any environment is rolling out', () => {
    expect(rolloutInProgress(status(env('dev', 'Clean'), env('pp', 'InProgress')))).toBe(true);
    expect(rolloutInProgress(status(env('dev', 'Clean'), env('pp', 'Failed')))).toBe(false);
  });
});
