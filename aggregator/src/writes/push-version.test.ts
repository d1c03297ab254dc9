// Who may push where, decided by the write function on the tree it is applied to: the ci rule, locks and overrides.
import { describe, expect, it } from 'vitest';
import { repoFilesFromText, type RepoFiles } from '@cascade/common';
import type { Role } from '@cascade/common/service';
import { WriteRefusedError } from './errors.ts';
import { planVersionPush, type VersionPush } from './push-version.ts';

const requester = (role: Role) => ({ token: `${role}-bot`, role, author: { name: `${role}-bot`, email: `${role}-bot@cascade.invalid` } });
const files = {
  'transitions.yaml': 'transitions:\n  dev: { source: latest, target: dev }\n  prod: { source: dev, target: prod }\n',
  ...Object.fromEntries(['latest', 'dev', 'prod'].flatMap((env) => [[`${env}/base/cart.yaml`, 'kind: ConfigMap\n'], [`${env}/version/cart.yaml`, 'version: "1.0"\n']])),
  'prod/locks.yaml': 'env_lock: { reasons: [release freeze] }\n',
};
const tree = repoFilesFromText('c1', files);

/** A push of cart 1.1 by `role`, with what the test changes. */
const push = (role: Role, extra: Partial<VersionPush> = {}): VersionPush => ({ resource: 'cart', version: '1.1', env: 'latest', fields: {}, requester: requester(role), ...extra });

/** The refusal's code and data, or `accepted` with the trailers of the edit. */
function outcome(change: VersionPush, current: RepoFiles = tree, ciEnvironments: string[] = []) {
  try {
    const edit = planVersionPush(change, { ciEnvironments }).write(current);
    return { accepted: edit?.trailers ?? [] };
  } catch (error) {
    if (error instanceof WriteRefusedError) return { code: error.code, reason: error.reason, data: error.data };
    throw error;
  }
}

describe('the ci rule', () => {
  it('lets ci push only into the entry environments and those aggregator.ciEnvironments lists', () => {
    expect(outcome(push('ci'))).toHaveProperty('accepted');
    expect(outcome(push('ci', { env: 'dev' }))).toEqual({ code: 'environment-not-allowed', reason: 'forbidden', data: { field: 'env', env: 'dev', allowed: ['latest'] } });
    expect(outcome(push('ci', { env: 'dev' }), tree, ['dev'])).toHaveProperty('accepted');
    expect(outcome(push('operator', { env: 'dev' }))).toHaveProperty('accepted');
    expect(outcome(push('admin', { env: 'dev' }))).toHaveProperty('accepted');
  });

  it('refuses a locked environment or resource to ci always, to others unless they give an override reason', () => {
    expect(outcome(push('ci', { env: 'prod' }), tree, ['prod'])).toMatchObject({ code: 'environment-locked', reason: 'locked', data: { env: 'prod', reasons: ['release freeze'] } });
    expect(outcome(push('operator', { env: 'prod' }))).toMatchObject({ code: 'environment-locked', reason: 'locked' });
    const overridden = outcome(push('operator', { env: 'prod', lockOverride: 'hotfix for incident 4711' }));
    expect(overridden).toEqual({ accepted: expect.arrayContaining([['Cascade-Lock-Override', 'hotfix for incident 4711']]) });
    const cartLocked = repoFilesFromText('c2', { ...files, 'latest/locks.yaml': 'resource_locks:\n  cart: { reasons: [rolled back to 1.0 by ops] }\n' });
    expect(outcome(push('ci'), cartLocked)).toMatchObject({ code: 'resource-locked', data: { env: 'latest', resource: 'cart', reasons: ['rolled back to 1.0 by ops'] } });
    expect(outcome(push('ci', { resource: 'cart', version: '1.0' }), cartLocked)).toEqual({ accepted: [] });
  });

  it('decides on the tree it is applied to, so a lock committed between two attempts is honoured', () => {
    const plan = planVersionPush(push('ci'), { ciEnvironments: [] });
    expect(plan.write(tree)).not.toBeNull();
    const lockedMeanwhile = repoFilesFromText('c2', { ...files, 'latest/locks.yaml': 'env_lock: { reasons: [freeze] }\n' });
    expect(() => plan.write(lockedMeanwhile)).toThrow(expect.objectContaining({ code: 'environment-locked' }));
    const entryMoved = repoFilesFromText('c3', { ...files, 'transitions.yaml': 'transitions:\n  prod: { source: dev, target: prod }\n' });
    expect(outcome(push('ci'), entryMoved)).toMatchObject({ code: 'environment-not-allowed', data: { allowed: ['dev'] } });
  });

  it('defaults to the single entry environment and asks for env when there are several or none', () => {
    const { env: _omitted, ...withoutEnv } = push('ci');
    const plan = planVersionPush(withoutEnv, { ciEnvironments: [] });
    expect(Object.keys(plan.write(tree)?.changes ?? {})).toEqual(['latest/version/cart.yaml']);
    expect(plan.outcome()).toMatchObject({ env: 'latest' });
    const twoEntries = repoFilesFromText('c2', { ...files, 'transitions.yaml': 'transitions:\n  prod: { source: dev, target: prod }\n  dev: { source: latest, target: qa }\n' });
    expect(outcome(withoutEnv, twoEntries)).toMatchObject({ code: 'env-required', data: { field: 'env', environments: ['dev', 'latest'] } });
    const noPipeline = repoFilesFromText('c3', { 'latest/base/cart.yaml': 'kind: ConfigMap\n' });
    expect(outcome(withoutEnv, noPipeline)).toMatchObject({ code: 'no-entry-environment' });
  });
});
