import { describe, expect, it } from 'vitest';
import { builtInScope, checkKindEntry } from './kube-kinds.ts';

describe('builtInScope', () => {
  it('knows the scope of built-in kinds by group, and nothing of custom ones', () => {
    expect(builtInScope('rbac.authorization.k8s.io', 'ClusterRole')).toBe('Cluster');
    expect(builtInScope('', 'Namespace')).toBe('Cluster');
    expect(builtInScope('apps', 'Deployment')).toBe('Namespaced');
    expect(builtInScope('', 'Deployment')).toBeUndefined();
    expect(builtInScope('example.com', 'Widget')).toBeUndefined();
  });
});

describe('checkKindEntry', () => {
  it.each(['ClusterRole', 'rbac.authorization.k8s.io/ClusterRole', 'Namespace', 'ClusterIssuer', 'cert-manager.io/ClusterIssuer', 'APIService'])('accepts %s', (entry) => {
    expect(checkKindEntry(entry, 'clusterKinds')).toBeUndefined();
  });

  it.each([
    ['clusterrole', 'did you mean ClusterRole?'],
    ['ClusterRoles', 'did you mean ClusterRole?'],
    ['clusterrolebindings', 'did you mean ClusterRoleBinding?'],
    ['Storageclass', 'did you mean StorageClass?'],
    ['ingressclasses', 'did you mean IngressClass?'],
    ['rbac.authorization.k8s.io/clusterroles', 'did you mean ClusterRole?'],
    ['Cluster Role', 'must be a kind'],
    ['*', 'must be a kind'],
    ['', 'must be a kind'],
    ['core/Namespace', 'write core kinds without a group (Namespace)'],
    ['v1/Namespace', 'write core kinds without a group (Namespace)'],
    ['apps/v1/Deployment', 'must be a kind'],
  ])('refuses %s: %s', (entry, hint) => {
    expect(checkKindEntry(entry, 'clusterKinds')).toContain(hint);
  });

  it('refuses namespaced kinds in clusterKinds, but not in deniedKinds', () => {
    expect(checkKindEntry('ConfigMap', 'clusterKinds')).toContain('ConfigMap is namespaced');
    expect(checkKindEntry('rbac.authorization.k8s.io/RoleBinding', 'clusterKinds')).toContain('RoleBinding is namespaced');
    expect(checkKindEntry('RoleBinding', 'deniedKinds')).toBeUndefined();
    // A custom group may define a cluster-scoped kind of the same name.
    expect(checkKindEntry('example.com/Secret', 'clusterKinds')).toBeUndefined();
  });
});
