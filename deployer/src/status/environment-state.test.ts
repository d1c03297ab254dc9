import { describe, expect, it } from 'vitest';
import type { EnvironmentStatus, ResourceStatus, RolloutState } from '@cascade/common';
import { environmentState, unreachableStatus } from './environment-state.ts';

const r = (state: RolloutState): ResourceStatus => ({ name: state, state, errors: [] });

describe('environmentState', () => {
  it('is the worst resource state', () => {
    expect(environmentState([])).toBe('Clean');
    expect(environmentState([r('Clean'), r('InProgress')])).toBe('InProgress');
    expect(environmentState([r('InProgress'), r('Outdated'), r('Clean')])).toBe('Outdated');
    expect(environmentState([r('Outdated'), r('Failed'), r('InProgress')])).toBe('Failed');
  });
});

describe('unreachableStatus', () => {
  const previous: EnvironmentStatus = { env: 'dev', target: 'local', commit: 'c1', state: 'Clean', resources: [r('Clean')] };

  it('keeps the first time the target was unreachable', () => {
    const first = unreachableStatus(previous, new Date('2024-01-01T00:00:00Z'), 'connect ECONNREFUSED');
    const second = unreachableStatus(first, new Date('2024-01-01T00:05:00Z'), 'timeout');
    expect(second).toMatchObject({ state: 'Unreachable', commit: 'c1', unreachable: { since: '2024-01-01T00:00:00.000Z', message: 'timeout' } });
    expect(second.resources).toEqual(previous.resources);
  });
});
