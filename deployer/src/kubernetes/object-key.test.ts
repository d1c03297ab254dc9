// The key of an object by its parts must be the key objectKey gives it: a relist looks held objects up by the one, the store keeps them by the other.
import { describe, expect, it } from 'vitest';
import { keyOfParts, objectKey, type ObjectRef } from './object-key.ts';

describe('keyOfParts', () => {
  it('is the very key objectKey gives the same object, under any version of its group, with or without a namespace', () => {
    const refs: ObjectRef[] = [
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'cart', namespace: 'dev' },
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: 'dev' },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'reader' },
    ];
    for (const ref of refs) expect(keyOfParts(ref.apiVersion, ref.kind, ref.namespace, ref.name)).toBe(objectKey(ref));
    expect(keyOfParts('apps/v1beta2', 'Deployment', 'dev', 'cart')).toBe(objectKey(refs[0]!));
    expect(new Set(refs.map((ref) => keyOfParts(ref.apiVersion, ref.kind, ref.namespace, ref.name))).size).toBe(3);
    expect(keyOfParts('v1', 'ConfigMap', undefined, 'settings')).not.toBe(objectKey(refs[1]!));
  });
});
