// A deployer whose own account is granted its rights per namespace (a Role in each environment's namespace, as the
// Helm chart's `deployer.rbac.namespaces` gives it) deploys with the target's `namespaced: true`, which lists and
// watches per namespace; without it, its lists across the cluster are refused and nothing is reported Clean.
import { CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { useTestNamespace } from '../setup/namespace.ts';
import { startHarness, type Harness } from './harness.ts';

const ns = useTestNamespace({ prefix: 'nsrbac' });
const harnesses: Harness[] = [];
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
  for (const cleanup of cleanups.splice(0)) await cleanup().catch(() => undefined);
});

/** A kubeconfig for a ServiceAccount of the test namespace that may do everything there and read namespaces, nothing else. */
async function namespaceOnlyAccount(): Promise<KubeConfig> {
  const core = ns.kc.makeApiClient(CoreV1Api);
  const rbac = ns.kc.makeApiClient(RbacAuthorizationV1Api);
  const namespace = ns.namespace;
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'deployer' } } });
  await rbac.createNamespacedRole({ namespace, body: { metadata: { name: 'deployer' }, rules: [{ apiGroups: ['', 'apps'], resources: ['*'], verbs: ['*'] }] } });
  await rbac.createNamespacedRoleBinding({ namespace, body: { metadata: { name: 'deployer' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deployer' }, subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace }] } });
  const clusterRole = `cascade-test-${namespace}`;
  await rbac.createClusterRole({ body: { metadata: { name: clusterRole }, rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get'] }] } });
  await rbac.createClusterRoleBinding({ body: { metadata: { name: clusterRole }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole }, subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace }] } });
  cleanups.push(() => rbac.deleteClusterRoleBinding({ name: clusterRole }), () => rbac.deleteClusterRole({ name: clusterRole }));
  const token = await core.createNamespacedServiceAccountToken({ name: 'deployer', namespace, body: { spec: { audiences: [], expirationSeconds: 3600 } } });
  const cluster = ns.kc.getCurrentCluster()!;
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [cluster], users: [{ name: 'deployer', token: token.status!.token }], contexts: [{ name: 'deployer', cluster: cluster.name, user: 'deployer' }], currentContext: 'deployer' });
  return kc;
}

const files = () => ({
  'deployers.yaml': `deployers:\n  dev: { target: local, namespace: ${ns.namespace}, prune: true }\n`,
  'dev/deployable/settings.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { a: b }\n',
});

describe('a deployer granted its rights per namespace', () => {
  it('deploys with namespaced: true, listing only in the environment namespace', async () => {
    const kc = await namespaceOnlyAccount();
    const h = await startHarness(kc, { commits: [{ name: 'one', files: files() }] }, { namespaced: true });
    harnesses.push(h);
    const status = await h.core.pass();
    const dev = status.environments.find((e) => e.env === 'dev')!;
    expect([dev.state, dev.resources.map((r) => [r.name, r.state])]).toEqual(['Clean', [['settings', 'Clean']]]);
    const live = await ns.kc.makeApiClient(CoreV1Api).readNamespacedConfigMap({ name: 'settings', namespace: ns.namespace });
    expect(live.data).toEqual({ a: 'b' });
  });

  it('is refused its lists across the cluster without it, and says so instead of reporting Clean', async () => {
    const kc = await namespaceOnlyAccount();
    const h = await startHarness(kc, { commits: [{ name: 'one', files: files() }] });
    harnesses.push(h);
    const status = await h.core.pass();
    const dev = status.environments.find((e) => e.env === 'dev')!;
    expect(dev.state).not.toBe('Clean');
    expect(JSON.stringify(dev)).toMatch(/forbidden|may not|refused/i);
  });
});
