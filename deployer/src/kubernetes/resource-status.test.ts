import { describe, expect, it } from 'vitest';
import type { Manifest } from '@cascade/common';
import { CONTENT_HASH_ANNOTATION, VERSION_ANNOTATION } from './labels.ts';
import type { ObservedObject } from './resource-status.ts';
import { resourceStatus } from './resource-status.ts';

const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'cart', namespace: 'dev' };
function live(hash: string, version: string, status: Manifest = { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 }): Manifest {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'cart', generation: 1, annotations: { [CONTENT_HASH_ANNOTATION]: hash, [VERSION_ANNOTATION]: version } }, spec: { replicas: 1 }, status };
}
const observe = (objects: ObservedObject[], errors = []) => resourceStatus({ name: 'shop/cart', version: '2', objects, errors });

describe('resourceStatus', () => {
  it('is clean when every object is live as rendered and rolled out', () => {
    const status = observe([{ ref, contentHash: 'h', live: live('h', '2') }]);
    expect(status).toMatchObject({ name: 'shop/cart', state: 'Clean', version: '2', liveVersion: '2', errors: [] });
    expect(status.objects).toEqual([{ ...ref, rollout: { state: 'Clean' } }]);
  });

  it('is outdated while an object is missing or still holds an older content, showing the live version', () => {
    expect(observe([{ ref, contentHash: 'h' }])).toMatchObject({ state: 'Outdated', reason: 'NotFound' });
    expect(observe([{ ref, contentHash: 'h', live: live('old', '1') }])).toMatchObject({ state: 'Outdated', liveVersion: '1', reason: 'NotApplied Deployment cart' });
  });

  it('is in progress while rolling out, with the text reason', () => {
    const rolling = live('h', '2', { observedGeneration: 1, replicas: 2, updatedReplicas: 1 });
    expect(observe([{ ref, contentHash: 'h', live: rolling }])).toMatchObject({ state: 'InProgress', reason: 'OldReplicasPending 1' });
  });

  it('fails on a failed rollout and on any error, the error first', () => {
    const stuck = live('h', '2', { observedGeneration: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: '' }] });
    expect(observe([{ ref, contentHash: 'h', live: stuck }])).toMatchObject({ state: 'Failed', reason: 'ProgressDeadlineExceeded' });
    const error = { code: 'apply-conflict', file: 'dev/base/shop/cart.yaml', message: 'conflict with "kubectl"' };
    expect(resourceStatus({ name: 'shop/cart', objects: [], errors: [error] })).toMatchObject({ state: 'Failed', reason: 'conflict with "kubectl"', errors: [error] });
  });
});
