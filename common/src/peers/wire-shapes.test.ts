// The wire-shape checks on their own: what fits, and the first wrong field of what does not.
import { describe, expect, it } from 'vitest';
import { DEPLOYER_STATUS, describeMismatch, SCRIPT_LOGS, STAGING_ACTION_RECORDS, TRANSITION_RESULT, TRANSITIONER_STATUS } from './wire-shapes.ts';

describe('wire shapes', () => {
  it('accepts the statuses and results the services send', () => {
    expect(DEPLOYER_STATUS.fits({ commit: 'c1', environments: [{ env: 'dev', target: 'local', state: 'Clean', resources: [] }] })).toBe(true);
    expect(DEPLOYER_STATUS.fits({ environments: [] })).toBe(true);
    expect(TRANSITIONER_STATUS.fits({ transitions: [{ name: 'dev', source: 'latest', target: 'dev' }] })).toBe(true);
    for (const result of [
      { kind: 'Success', commit: 'c2', promoted: [] },
      { kind: 'Skipped', reason: { kind: 'NoChange' } },
      { kind: 'Blocked', message: 'dev is rolling out' },
      { kind: 'CheckFailed', message: 'dev failed' },
    ]) expect(TRANSITION_RESULT.mismatch(result), result.kind).toBeUndefined();
    expect(STAGING_ACTION_RECORDS.fits({ name: 'x', actions: [{ action: 'create', startedAt: 't', result: 'pending', commit: 'c1' }] })).toBe(true);
    expect(SCRIPT_LOGS.fits({ env: 'x', resource: 'x', runs: [{ action: 'create', args: [], startedAt: 't', durationMs: 3, exitCode: null, timedOut: true, stdout: '', stderr: '', startError: 'missing' }] })).toBe(true);
  });

  it('names the first wrong field and what is wrong with it', () => {
    const run = { action: 'create', args: ['--name', 'x'], startedAt: 't', durationMs: 3, exitCode: 0, timedOut: false, stdout: '', stderr: '' };
    const cases: Array<[{ name: string; mismatch(body: unknown): ReturnType<typeof DEPLOYER_STATUS.mismatch>; fits(body: unknown): boolean }, unknown, string]> = [
      [DEPLOYER_STATUS, 'hello', 'the answer is not an object'],
      [DEPLOYER_STATUS, [], 'the answer is not an object'],
      [DEPLOYER_STATUS, { hello: 'world' }, 'environments is missing'],
      [DEPLOYER_STATUS, { environments: {} }, 'environments is not a list'],
      [DEPLOYER_STATUS, { environments: [{ env: 'dev', state: 'Clean', resources: [] }, null] }, 'environments[1] is not an object'],
      [DEPLOYER_STATUS, { environments: [{ env: 'dev', state: 3, resources: [] }] }, 'environments[0].state is not a string'],
      [DEPLOYER_STATUS, { environments: [{ env: 'dev', state: 'Clean' }] }, 'environments[0].resources is missing'],
      [TRANSITIONER_STATUS, { transitions: [{ name: 'dev' }] }, 'transitions[0].source is missing'],
      [TRANSITION_RESULT, null, 'the answer is not an object'],
      [TRANSITION_RESULT, { kind: 'Done' }, 'kind is not one of Success, Skipped, Blocked, CheckFailed'],
      [TRANSITION_RESULT, { kind: 'Success', promoted: [] }, 'commit is missing'],
      [TRANSITION_RESULT, { kind: 'Skipped', reason: 'locked' }, 'reason is not an object'],
      [STAGING_ACTION_RECORDS, { name: 'x', actions: [{ action: 'create', startedAt: 't', result: 'failed', commit: 'c1', message: 7 }] }, 'actions[0].message is not a string'],
      [SCRIPT_LOGS, { env: 'x', resource: 'x', runs: [{ ...run, args: ['--name', 1] }] }, 'runs[0].args[1] is not a string'],
      [SCRIPT_LOGS, { env: 'x', resource: 'x', runs: [{ ...run, timedOut: 'no' }] }, 'runs[0].timedOut is not true or false'],
      [SCRIPT_LOGS, { env: 'x', resource: 'x', runs: [{ ...run, durationMs: Number.NaN }] }, 'runs[0].durationMs is not a number'],
      [SCRIPT_LOGS, { env: 'x', resource: 'x', runs: [{ ...run, exitCode: undefined }] }, 'runs[0].exitCode is missing'],
    ];
    for (const [shape, body, expected] of cases) {
      const mismatch = shape.mismatch(body);
      expect(mismatch && describeMismatch(mismatch), `${shape.name} ${JSON.stringify(body)}`).toBe(expected);
      expect(shape.fits(body)).toBe(false);
    }
  });
});
