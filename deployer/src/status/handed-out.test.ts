import { describe, expect, it } from 'vitest';
import type { DeployerStatus, EnvironmentStatus, StagingStatus } from '@cascade/common';
import { HandedOutStatus } from './handed-out.ts';

const env = (name: string): EnvironmentStatus => ({ env: name, target: 'local', state: 'Clean', resources: [{ name: 'app', state: 'Clean', errors: [] }] });

describe('HandedOutStatus', () => {
  it('hands out the status built before, frozen, while a new build holds the same commit, environments and stagings', () => {
    const dev = env('dev');
    const pp = env('pp');
    const staging = { name: 'feature-1' } as StagingStatus;
    const handedOut = new HandedOutStatus();
    const first = handedOut.of({ commit: 'c1', environments: [dev, pp], stagings: [staging] });
    expect(Object.isFrozen(first) && Object.isFrozen(dev.resources[0])).toBe(true);
    expect(handedOut.of({ commit: 'c1', environments: [dev, pp], stagings: [staging] })).toBe(first);
    const changes: DeployerStatus[] = [
      { commit: 'c2', environments: [dev, pp], stagings: [staging] },
      { commit: 'c1', environments: [dev, env('pp')], stagings: [staging] },
      { commit: 'c1', environments: [pp, dev], stagings: [staging] },
      { commit: 'c1', environments: [dev], stagings: [staging] },
      { commit: 'c1', environments: [dev] },
      { commit: 'c1', environments: [dev, pp] },
    ];
    let last = first;
    for (const change of changes) {
      const next = handedOut.of(change);
      expect(next).not.toBe(last);
      expect(next).toEqual(change);
      last = next;
    }
  });
});
