import { describe, expect, it } from 'vitest';
import type { Manifest, ResourceStatus } from '@cascade/common';
import { CONTENT_HASH_ANNOTATION } from './labels.ts';
import { PlanMemo } from './plan-memo.ts';
import type { ResourceObservation } from './resource-status.ts';
import { resourceStatus } from './resource-status.ts';

const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'cart', namespace: 'dev' };
const live = (hash: string): Manifest => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cart', annotations: { [CONTENT_HASH_ANNOTATION]: hash } } });

/** resourceStatus, counting its calls. */
function counting(): { compute: (observed: ResourceObservation) => ResourceStatus; calls: () => number } {
  let calls = 0;
  return { compute: (observed) => (calls++, resourceStatus(observed)), calls: () => calls };
}

describe('PlanMemo.resourceStatus', () => {
  it('hands out the same status for a resource observed the same way, and computes it again once its live object changed', () => {
    const memo = new PlanMemo();
    const { compute, calls } = counting();
    const object = live('h');
    const first = memo.resourceStatus({ name: 'shop/cart', version: '1', objects: [{ ref, contentHash: 'h', live: object }], errors: [] }, compute);
    memo.endStatuses();
    const again = memo.resourceStatus({ name: 'shop/cart', version: '1', objects: [{ ref, contentHash: 'h', live: object }], errors: [] }, compute);
    memo.endStatuses();
    expect(again).toBe(first);
    expect(calls()).toBe(1);
    const changed = memo.resourceStatus({ name: 'shop/cart', version: '1', objects: [{ ref, contentHash: 'h', live: live('old') }], errors: [] }, compute);
    expect(changed).not.toBe(first);
    expect(changed.state).toBe('Outdated');
    expect(calls()).toBe(2);
  });

  it('computes again for another version or content hash, and always for a resource with errors', () => {
    const memo = new PlanMemo();
    const { compute, calls } = counting();
    const object = live('h');
    const observe = (version: string, hash: string, errors: ResourceObservation['errors'] = []) => {
      const status = memo.resourceStatus({ name: 'shop/cart', version, objects: [{ ref, contentHash: hash, live: object }], errors }, compute);
      memo.endStatuses();
      return status;
    };
    observe('1', 'h');
    expect(observe('2', 'h').version).toBe('2');
    expect(observe('2', 'new').state).toBe('Outdated');
    const error = { code: 'x', message: 'broken' };
    expect(observe('2', 'new', [error]).state).toBe('Failed');
    expect(observe('2', 'new', [error]).state).toBe('Failed');
    expect(calls()).toBe(5);
  });

  it('forgets a resource a pass did not report', () => {
    const memo = new PlanMemo();
    const { compute, calls } = counting();
    const object = live('h');
    const observation = { name: 'shop/cart', version: '1', objects: [{ ref, contentHash: 'h', live: object }], errors: [] };
    memo.resourceStatus(observation, compute);
    memo.endStatuses();
    // A pass without shop/cart, then one with it again: nothing of the first pass is handed out.
    memo.endStatuses();
    memo.resourceStatus(observation, compute);
    expect(calls()).toBe(2);
  });
});
