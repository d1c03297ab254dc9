import { describe, expect, it } from 'vitest';
import { createPrng } from '../testing/prng.ts';
import { builtInScope } from './kube-kinds.ts';
import { checkObjectPolicy, environmentAllowed, type PolicyObject, type PolicyScope, type TargetPolicy } from './target-policy.ts';

const subject = (policy: TargetPolicy = {}) => ({ target: 'local', policy, env: 'dev', home: 'shop-dev' });
const configMap = (namespace?: string): PolicyObject => ({ group: '', kind: 'ConfigMap', name: 'x', namespace: namespace ?? 'shop-dev' });
const cluster = (group: string, kind: string, name: string): PolicyObject => ({ group, kind, name });

describe('checkObjectPolicy', () => {
  it("allows only the environment's own namespace by default, and names the key that would allow more", () => {
    expect(checkObjectPolicy(subject(), configMap(), 'Namespaced')).toBeUndefined();
    const refused = checkObjectPolicy(subject(), configMap('shop-prod'), 'Namespaced');
    expect(refused).toEqual({ code: 'namespace-not-allowed', message: expect.stringContaining('ConfigMap shop-prod/x: environment dev may only use namespace shop-dev on target local') });
    expect(refused?.message).toContain('list shop-prod in targets.local.environments.dev.namespaces');
    expect(checkObjectPolicy(subject(), configMap('kube-system'), 'Namespaced')?.code).toBe('namespace-not-allowed');
  });

  it('widens per environment with namespace patterns, never to default or kube-* through a bare *', () => {
    const policy = { environments: { dev: { namespaces: ['shop-shared-*', '*'] }, prod: { namespaces: ['kube-system'] } } };
    expect(checkObjectPolicy(subject(policy), configMap('shop-shared-a'), 'Namespaced')).toBeUndefined();
    expect(checkObjectPolicy(subject(policy), configMap('anything'), 'Namespaced')).toBeUndefined();
    expect(checkObjectPolicy(subject(policy), configMap('kube-system'), 'Namespaced')?.code).toBe('namespace-not-allowed');
    expect(checkObjectPolicy(subject(policy), configMap('default'), 'Namespaced')?.code).toBe('namespace-not-allowed');
    expect(checkObjectPolicy(subject({ environments: { dev: { namespaces: ['kube-system'] } } }), configMap('kube-system'), 'Namespaced')).toBeUndefined();
  });

  it('refuses every cluster-scoped kind by default but the environment\'s own Namespace', () => {
    expect(checkObjectPolicy(subject(), cluster('', 'Namespace', 'shop-dev'), 'Cluster')).toBeUndefined();
    const role = checkObjectPolicy(subject(), cluster('rbac.authorization.k8s.io', 'ClusterRole', 'all'), 'Cluster');
    expect(role?.code).toBe('cluster-kind-not-allowed');
    expect(role?.message).toContain('ClusterRole all is cluster-scoped');
    expect(role?.message).toContain('list rbac.authorization.k8s.io/ClusterRole in targets.local.clusterKinds or targets.local.environments.dev.clusterKinds');
    for (const [group, kind] of [['apiextensions.k8s.io', 'CustomResourceDefinition'], ['', 'PersistentVolume'], ['admissionregistration.k8s.io', 'ValidatingWebhookConfiguration'], ['', 'Namespace']]) {
      expect(checkObjectPolicy(subject(), cluster(group!, kind!, 'other'), 'Cluster')?.code).toBe('cluster-kind-not-allowed');
    }
  });

  it('allows a listed cluster kind, by kind or by group/kind, target-wide or for one environment', () => {
    const role = cluster('rbac.authorization.k8s.io', 'ClusterRole', 'all');
    expect(checkObjectPolicy(subject({ clusterKinds: ['ClusterRole'] }), role, 'Cluster')).toBeUndefined();
    expect(checkObjectPolicy(subject({ clusterKinds: ['rbac.authorization.k8s.io/ClusterRole'] }), role, 'Cluster')).toBeUndefined();
    expect(checkObjectPolicy(subject({ clusterKinds: ['example.com/ClusterRole'] }), role, 'Cluster')?.code).toBe('cluster-kind-not-allowed');
    expect(checkObjectPolicy(subject({ environments: { dev: { clusterKinds: ['ClusterRole'] } } }), role, 'Cluster')).toBeUndefined();
    expect(checkObjectPolicy(subject({ environments: { prod: { clusterKinds: ['ClusterRole'] } } }), role, 'Cluster')?.code).toBe('cluster-kind-not-allowed');
  });

  it('needs Namespace listed and the name granted for a Namespace other than the own', () => {
    const other = cluster('', 'Namespace', 'shop-extra');
    expect(checkObjectPolicy(subject({ clusterKinds: ['Namespace'] }), other, 'Cluster')?.code).toBe('namespace-not-allowed');
    expect(checkObjectPolicy(subject({ environments: { dev: { namespaces: ['shop-extra'] } } }), other, 'Cluster')?.code).toBe('cluster-kind-not-allowed');
    expect(checkObjectPolicy(subject({ clusterKinds: ['Namespace'], environments: { dev: { namespaces: ['shop-*'] } } }), other, 'Cluster')).toBeUndefined();
  });

  it('refuses denied kinds whatever else allows them, namespaced or not', () => {
    const policy = { deniedKinds: ['RoleBinding', 'apiextensions.k8s.io/CustomResourceDefinition'], clusterKinds: ['CustomResourceDefinition'] };
    const binding = checkObjectPolicy(subject(policy), { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding', name: 'b', namespace: 'shop-dev' }, 'Namespaced');
    expect(binding).toEqual({ code: 'kind-denied', message: expect.stringContaining('targets.local.deniedKinds') });
    expect(checkObjectPolicy(subject(policy), cluster('apiextensions.k8s.io', 'CustomResourceDefinition', 'w'), 'Cluster')?.code).toBe('kind-denied');
    expect(checkObjectPolicy(subject(policy), { group: 'example.com', kind: 'RoleBinding', name: 'b' }, undefined)?.code).toBe('kind-denied');
  });

  it('leaves objects of unknown scope to the cluster, except denied kinds', () => {
    expect(checkObjectPolicy(subject(), { group: 'example.com', kind: 'Widget', name: 'w', namespace: 'elsewhere' }, undefined)).toBeUndefined();
  });

  it("ignores policy keys named like Object's properties", () => {
    const role = cluster('rbac.authorization.k8s.io', 'ClusterRole', 'all');
    expect(checkObjectPolicy({ ...subject(), env: 'constructor' }, role, 'Cluster')?.code).toBe('cluster-kind-not-allowed');
  });
});

describe('environmentAllowed', () => {
  it('allows every environment without a list, and exactly the matching ones with one', () => {
    expect(environmentAllowed({}, 'dev')).toBe(true);
    expect(environmentAllowed({ allowedEnvironments: [] }, 'dev')).toBe(false);
    expect(environmentAllowed({ allowedEnvironments: ['prod', 'feature-*'] }, 'feature-x')).toBe(true);
    expect(environmentAllowed({ allowedEnvironments: ['prod', 'feature-*'] }, 'dev')).toBe(false);
    expect(environmentAllowed({ allowedEnvironments: ['*'] }, 'dev')).toBe(true);
  });
});

// Random policies and objects: the rules hold whatever the operator writes.
describe('checkObjectPolicy, property-based', () => {
  const NAMESPACES = ['shop-dev', 'shop-prod', 'shop-shared', 'default', 'kube-system', 'kube-public', 'monitoring', 'shop-'];
  const PATTERNS = ['shop-*', 'shop-shared', '*', 'kube-system', 'kube-*', 'default', 'monitoring', 'mon*'];
  const KINDS: Array<[string, string]> = [
    ['', 'ConfigMap'], ['', 'Secret'], ['apps', 'Deployment'], ['rbac.authorization.k8s.io', 'RoleBinding'], ['', 'Namespace'],
    ['rbac.authorization.k8s.io', 'ClusterRole'], ['rbac.authorization.k8s.io', 'ClusterRoleBinding'], ['apiextensions.k8s.io', 'CustomResourceDefinition'],
    ['', 'PersistentVolume'], ['storage.k8s.io', 'StorageClass'], ['example.com', 'Widget'], ['example.com', 'ClusterWidget'],
  ];
  const KIND_ENTRIES = KINDS.flatMap(([group, kind]) => [kind, `${group === '' ? 'core' : group}/${kind}`]);

  it('holds for 3000 random policies and objects', () => {
    const prng = createPrng(20240611);
    const some = <T>(items: readonly T[], p: number) => items.filter(() => prng.chance(p));
    for (let run = 0; run < 3000; run++) {
      const policy: TargetPolicy = {
        ...(prng.chance(0.5) ? { clusterKinds: some(KIND_ENTRIES, 0.15) } : {}),
        ...(prng.chance(0.3) ? { deniedKinds: some(KIND_ENTRIES, 0.1) } : {}),
        environments: { ...(prng.chance(0.6) ? { dev: { namespaces: some(PATTERNS, 0.2), clusterKinds: some(KIND_ENTRIES, 0.1) } } : {}), prod: { namespaces: ['*'], clusterKinds: [...KIND_ENTRIES] } },
      };
      const [group, kind] = prng.pick(KINDS);
      const scope: PolicyScope = builtInScope(group, kind) ?? (kind.startsWith('Cluster') ? 'Cluster' : prng.pick(['Namespaced', undefined] as const));
      const name = prng.pick(NAMESPACES);
      const object: PolicyObject = scope === 'Namespaced' ? { group, kind, name: 'x', namespace: name } : { group, kind, name };
      const verdict = checkObjectPolicy(subject(policy), object, scope);
      const context = JSON.stringify({ policy, object, scope, verdict });
      const dev = policy.environments?.['dev'] ?? {};
      const denied = (policy.deniedKinds ?? []).some((e) => e === kind || e === `${group}/${kind}`);
      // Denied kinds never pass; every refusal names the object and a key of this target's config.
      if (denied) expect(verdict?.code, context).toBe('kind-denied');
      if (verdict !== undefined) expect(verdict.message, context).toMatch(/targets\.local\./);
      if (verdict === undefined && scope === 'Namespaced') {
        // An allowed namespaced object is home, or granted to dev itself (prod's `*` never counts), never kube-*/default by `*`.
        const granted = (dev.namespaces ?? []).filter((p) => p === name || (p.endsWith('*') && p !== '*' && name.startsWith(p.slice(0, -1))) || (p === '*' && name !== 'default' && !name.startsWith('kube-')));
        expect(name === 'shop-dev' || granted.length > 0, context).toBe(true);
      }
      if (verdict === undefined && scope === 'Cluster' && !(kind === 'Namespace' && name === 'shop-dev')) {
        const listed = [...(policy.clusterKinds ?? []), ...(dev.clusterKinds ?? [])].some((e) => e === kind || e === `${group}/${kind}`);
        expect(listed, context).toBe(true);
      }
      // Without any policy, only the environment's own namespace and own Namespace object pass.
      const strict = checkObjectPolicy(subject(), object, scope);
      const ownPlace = scope === 'Namespaced' ? name === 'shop-dev' : scope === 'Cluster' ? kind === 'Namespace' && name === 'shop-dev' : true;
      expect(strict === undefined, context).toBe(ownPlace);
      // Widening is monotonic: what a stricter policy allows, the wider one allows too (unless denied).
      if (strict === undefined && !denied) expect(verdict, context).toBeUndefined();
    }
  });
});
