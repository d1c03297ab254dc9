import type { DeployerStatus } from '@cascade/common';
import { describe, expect, it } from 'vitest';
import type { DeployerView } from './observations.ts';
import { decidesAsBefore, REDECIDE_MS, type DecidedInputs } from './unchanged-round.ts';

const T0 = new Date('2024-03-01T12:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const status: DeployerStatus = { commit: 'c1', environments: [] };
const reported: DeployerView = { kind: 'Reported', status };
const last: DecidedInputs = { head: 'c1', deployer: reported, time: T0, due: undefined };

describe('decidesAsBefore', () => {
  it('holds for the same head and the very same deployer report, within the re-decide interval', () => {
    expect(decidesAsBefore(last, 'c1', { kind: 'Reported', status }, at(10_000))).toBe(true);
  });

  it('does not hold before any round decided, nor for a new head', () => {
    expect(decidesAsBefore(undefined, 'c1', reported, at(10_000))).toBe(false);
    expect(decidesAsBefore(last, 'c2', reported, at(10_000))).toBe(false);
  });

  it('does not hold for a new report, even an equal one, nor when the deployer is or was unreachable', () => {
    expect(decidesAsBefore(last, 'c1', { kind: 'Reported', status: { ...status } }, at(10_000))).toBe(false);
    const unreachable: DeployerView = { kind: 'Unreachable', message: 'timed out' };
    expect(decidesAsBefore(last, 'c1', unreachable, at(10_000))).toBe(false);
    expect(decidesAsBefore({ ...last, deployer: unreachable }, 'c1', unreachable, at(10_000))).toBe(false);
  });

  it('does not hold once something fell due, the re-decide interval passed, or the clock went back', () => {
    expect(decidesAsBefore({ ...last, due: at(5_000) }, 'c1', reported, at(4_999))).toBe(true);
    expect(decidesAsBefore({ ...last, due: at(5_000) }, 'c1', reported, at(5_000))).toBe(false);
    expect(decidesAsBefore(last, 'c1', reported, at(REDECIDE_MS - 1))).toBe(true);
    expect(decidesAsBefore(last, 'c1', reported, at(REDECIDE_MS))).toBe(false);
    expect(decidesAsBefore(last, 'c1', reported, at(-1))).toBe(false);
  });
});
