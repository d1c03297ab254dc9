// The write plans decide from a tree alone: what to change, when nothing changes, and what to refuse.
import { describe, expect, it } from 'vitest';
import { repoFilesFromText } from '@cascade/common';
import { WriteRefusedError } from './errors.ts';
import { planLockChange } from './locks.ts';
import { planVersionPush } from './push-version.ts';
import { planRollback } from './rollback.ts';

const requester = { token: 'ci-bot', role: 'ci' as const, author: { name: 'ci-bot', email: 'ci-bot@cascade.invalid' } };
const rules = { ciEnvironments: [] };
const tree = repoFilesFromText('c1', {
  // latest is the entry environment, where ci pushes; prod is one because transitions.yaml names it.
  'transitions.yaml': 'transitions:\n  prod: { source: latest, target: prod }\n',
  'latest/base/cart.yaml': 'kind: ConfigMap\n',
  'latest/version/cart.yaml': '# pinned by CI\nversion: "1.0"\nreplicas: 2\n',
  'latest/deployable/settings.yaml': 'kind: ConfigMap\n',
  'prod/locks.yaml': 'env_lock: { reasons: [freeze] }\n',
});

describe('planVersionPush', () => {
  it('sets the version and fields, keeping comments and other keys', () => {
    const edit = planVersionPush({ resource: 'cart', version: '1.1', env: 'latest', fields: { image: 'r/cart:1.1' }, requester }, rules).write(tree);
    expect(edit?.changes).toEqual({ 'latest/version/cart.yaml': '# pinned by CI\nversion: "1.1"\nreplicas: 2\nimage: r/cart:1.1\n' });
    expect(edit?.trailers).toContainEqual(['Cascade-Version', '1.1']);
  });

  it('changes nothing for the version already there', () => {
    expect(planVersionPush({ resource: 'cart', version: '1.0', env: 'latest', fields: { replicas: 2 }, requester }, rules).write(tree)).toBeNull();
  });

  it('refuses a new resource without base, a deployable, and an unknown environment', () => {
    const refusal = (resource: string, env: string) => {
      try {
        planVersionPush({ resource, version: '1', env, fields: {}, requester }, rules).write(tree);
      } catch (error) {
        return error instanceof WriteRefusedError ? error.code : String(error);
      }
      return 'accepted';
    };
    expect(refusal('search', 'latest')).toBe('missing-base');
    expect(refusal('settings', 'latest')).toBe('resource-is-deployable');
    expect(refusal('cart', 'qa')).toBe('unknown-environment');
  });
});

describe('planLockChange and planRollback', () => {
  it('reports the reasons left, and unlocking what is not locked changes nothing', () => {
    const unlock = planLockChange({ action: 'unlock', env: 'prod', reason: 'freeze', requester });
    expect(unlock.write(tree)?.changes).toEqual({ 'prod/locks.yaml': '' });
    expect(unlock.outcome()).toEqual({ reasons: [] });
    expect(planLockChange({ action: 'unlock', env: 'latest', requester }).write(tree)).toBeNull();
  });

  it('restores the file and locks the resource in one edit', () => {
    const plan = planRollback({ env: 'latest', resource: 'cart', restore: { commit: 'c0', text: 'version: "0.9"\n', version: '0.9' }, requester });
    const edit = plan.write(tree);
    expect(Object.keys(edit?.changes ?? {}).sort()).toEqual(['latest/locks.yaml', 'latest/version/cart.yaml']);
    expect(edit?.changes['latest/locks.yaml']).toContain('rolled back to 0.9 by ci-bot');
    expect(plan.outcome()).toEqual({ reason: 'rolled back to 0.9 by ci-bot' });
  });
});
