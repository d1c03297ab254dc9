// What a committer can make the Kubernetes target do, on a real cluster: an environment's objects stay in its own
// namespace, one object never has two owners, cluster-scoped kinds need the target's policy, and with a
// ServiceAccount per environment the cluster's RBAC has the last word.
import { CoreV1Api, KubernetesObjectApi, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import type { EnvironmentStatus } from '@cascade/common';
import { afterEach, describe, expect, it } from 'vitest';
import { useTestNamespace } from '../setup/namespace.ts';
import type { Harness } from './harness.ts';
import { startHarness } from './harness.ts';

const dev = useTestNamespace({ prefix: 'bnd-dev' });
const prod = useTestNamespace({ prefix: 'bnd-prod' });
const shared = useTestNamespace({ prefix: 'bnd-shr' });
const harnesses: Harness[] = [];
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
  for (const cleanup of cleanups.splice(0)) await cleanup().catch(() => undefined);
});

const configMap = (name: string, data: Record<string, string>, namespace?: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name}${namespace ? `, namespace: ${namespace}` : ''} }\ndata: ${JSON.stringify(data)}\n`;
const bindings = (envs: Record<string, string>) => `deployers:\n${Object.entries(envs).map(([env, ns]) => `  ${env}: { target: local, namespace: ${ns}, prune: true }\n`).join('')}`;
/** Per resource of an environment: its state and error codes. */
const summary = (status: EnvironmentStatus) => status.resources.map((r) => [r.name, r.state, r.errors.map((e) => e.code)]);

async function start(...args: Parameters<typeof startHarness>): Promise<Harness> {
  const h = await startHarness(...args);
  harnesses.push(h);
  return h;
}

describe('environments are confined to their namespace', () => {
  it("refuses a dev object naming prod's namespace, leaves prod's object alone, and deploys the rest of dev", async () => {
    const h = await start(dev.kc, { commits: [{ name: 'one', files: {
      'deployers.yaml': bindings({ dev: dev.namespace, prod: prod.namespace }),
      'prod/deployable/settings.yaml': configMap('settings', { owner: 'prod' }),
      'dev/deployable/settings.yaml': configMap('settings', { owner: 'dev' }),
      'dev/deployable/takeover.yaml': configMap('settings', { owner: 'dev' }, prod.namespace) + '---\n' + configMap('extra', { a: 'b' }),
    } }] });
    const core = dev.kc.makeApiClient(CoreV1Api);
    for (let round = 0; round < 3; round++) {
      const status = await h.core.pass();
      const [devStatus, prodStatus] = ['dev', 'prod'].map((env) => status.environments.find((e) => e.env === env)!);
      expect(summary(prodStatus!)).toEqual([['settings', 'Clean', []]]);
      expect(summary(devStatus!)).toEqual([['settings', 'Clean', []], ['takeover', 'Failed', ['namespace-not-allowed']]]);
      const error = devStatus!.resources[1]!.errors[0]!;
      expect(error).toMatchObject({ file: 'dev/deployable/takeover.yaml', object: `ConfigMap ${prod.namespace}/settings` });
      expect(error.message).toContain(`targets.local.environments.dev.namespaces`);
      const inProd = await core.readNamespacedConfigMap({ name: 'settings', namespace: prod.namespace });
      expect([inProd.data, inProd.metadata?.labels?.['cascade.dev/env']]).toEqual([{ owner: 'prod' }, 'prod']);
    }
    // The refused object's resource keeps its other object, applied in dev's own namespace.
    expect((await core.readNamespacedConfigMap({ name: 'extra', namespace: dev.namespace })).data).toEqual({ a: 'b' });
    expect(h.counts.applied).toEqual({ create: 3 });
  });

  it('refuses a ConfigMap in kube-system even when the target allows kube-system for bindings', async () => {
    const name = `cascade-test-${dev.namespace}`;
    const h = await start(dev.kc, { commits: [{ name: 'one', files: {
      'deployers.yaml': bindings({ dev: dev.namespace }),
      'dev/deployable/sneaky.yaml': configMap(name, { a: 'b' }, 'kube-system'),
    } }] }, { allowedNamespaces: [`${dev.namespace}*`, 'kube-system'] });
    cleanups.push(() => dev.kc.makeApiClient(CoreV1Api).deleteNamespacedConfigMap({ name, namespace: 'kube-system' }));
    expect(summary(await h.pass('dev'))).toEqual([['sneaky', 'Failed', ['namespace-not-allowed']]]);
    await expect(dev.kc.makeApiClient(CoreV1Api).readNamespacedConfigMap({ name, namespace: 'kube-system' })).rejects.toMatchObject({ code: 404 });
  });
});

describe('one object, one owner', () => {
  it('refuses the second environment rendering an object in a shared namespace, naming both, and nothing flips', async () => {
    const common = (owner: string) => configMap('common', { owner }, shared.namespace);
    const policy = { environments: { dev: { namespaces: [shared.namespace] }, prod: { namespaces: [shared.namespace] } } };
    const h = await start(dev.kc, { commits: [
      { name: 'prod-first', files: { 'deployers.yaml': bindings({ dev: dev.namespace, prod: prod.namespace }), 'prod/deployable/common.yaml': common('prod'), 'dev/deployable/own.yaml': configMap('own', { a: 'b' }) } },
      { name: 'both', files: { 'dev/deployable/common.yaml': common('dev') } },
    ], head: 'prod-first' }, { policy });
    expect(summary(await h.pass('prod'))).toEqual([['common', 'Clean', []]]);
    await h.moveTo('both');
    const core = dev.kc.makeApiClient(CoreV1Api);
    const before = await core.readNamespacedConfigMap({ name: 'common', namespace: shared.namespace });
    for (let round = 0; round < 4; round++) {
      const status = await h.core.pass();
      const of = (env: string) => status.environments.find((e) => e.env === env)!;
      expect(summary(of('prod'))).toEqual([['common', 'Clean', []]]);
      expect(summary(of('dev'))).toEqual([['common', 'Failed', ['owned-elsewhere']], ['own', 'Clean', []]]);
      expect(of('dev').resources[0]!.errors[0]).toMatchObject({
        object: `ConfigMap ${shared.namespace}/common`, file: 'dev/deployable/common.yaml',
        message: `ConfigMap ${shared.namespace}/common belongs to environment prod of installation ${h.installation}; environment dev cannot take it over`,
      });
      const live = await core.readNamespacedConfigMap({ name: 'common', namespace: shared.namespace });
      expect([live.data, live.metadata?.labels?.['cascade.dev/env'], live.metadata?.resourceVersion]).toEqual([{ owner: 'prod' }, 'prod', before.metadata?.resourceVersion]);
    }
    // One create per object, never a second apply of the shared one.
    expect(h.counts.applied).toEqual({ create: 2 });
  });

  it('refuses many shared objects at once (one list answers their owners), and creates the ones nobody owns', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `many-${i}`);
    const files = (owner: string, env: string, only: string[]) => Object.fromEntries(only.map((name) => [`${env}/deployable/${name}.yaml`, configMap(name, { owner }, shared.namespace)]));
    const policy = { environments: { dev: { namespaces: [shared.namespace] }, prod: { namespaces: [shared.namespace] } } };
    const h = await start(dev.kc, { commits: [
      { name: 'prod-first', files: { 'deployers.yaml': bindings({ dev: dev.namespace, prod: prod.namespace }), ...files('prod', 'prod', names.slice(0, 10)) } },
      // dev renders all twelve: ten prod owns, two nobody does.
      { name: 'both', files: files('dev', 'dev', names) },
    ], head: 'prod-first' }, { policy });
    await h.pass('prod');
    await h.moveTo('both');
    const status = await h.pass('dev');
    const refused = status.resources.filter((r) => r.errors.some((e) => e.code === 'owned-elsewhere')).map((r) => r.name);
    expect(refused.sort()).toEqual(names.slice(0, 10).sort());
    expect(status.resources.filter((r) => r.state === 'Clean').map((r) => r.name).sort()).toEqual(['many-10', 'many-11']);
    const core = dev.kc.makeApiClient(CoreV1Api);
    for (const name of names.slice(0, 10)) expect((await core.readNamespacedConfigMap({ name, namespace: shared.namespace })).data).toEqual({ owner: 'prod' });
    for (const name of names.slice(10)) expect((await core.readNamespacedConfigMap({ name, namespace: shared.namespace })).metadata?.labels?.['cascade.dev/env']).toBe('dev');
  });

  it('refuses a second installation rendering the same object, and nothing flips between them', async () => {
    const files = (owner: string) => ({
      'deployers.yaml': bindings({ dev: owner === 'a' ? dev.namespace : prod.namespace }),
      'dev/deployable/common.yaml': configMap('common', { owner }, shared.namespace),
    });
    const policy = { environments: { dev: { namespaces: [shared.namespace] } } };
    const a = await start(dev.kc, { commits: [{ name: 'one', files: files('a') }] }, { policy });
    const b = await start(dev.kc, { commits: [{ name: 'one', files: files('b') }] }, { policy });
    expect(a.installation).not.toBe(b.installation);
    const core = dev.kc.makeApiClient(CoreV1Api);
    expect(summary(await a.pass('dev'))).toEqual([['common', 'Clean', []]]);
    for (let round = 0; round < 3; round++) {
      const refused = await b.pass('dev');
      expect(summary(refused)).toEqual([['common', 'Failed', ['owned-elsewhere']]]);
      expect(refused.resources[0]!.errors[0]!.message).toBe(`ConfigMap ${shared.namespace}/common belongs to environment dev of installation ${a.installation}; environment dev of installation ${b.installation} cannot take it over`);
      expect(summary(await a.pass('dev'))).toEqual([['common', 'Clean', []]]);
      const live = await core.readNamespacedConfigMap({ name: 'common', namespace: shared.namespace });
      expect([live.data, live.metadata?.labels?.['cascade.dev/installation']]).toEqual([{ owner: 'a' }, a.installation]);
    }
    expect([a.counts.applied, b.counts.applied]).toEqual([{ create: 1 }, {}]);
  });
});

describe('cluster-scoped kinds', () => {
  const rbac = (ns: string, granted: string) => `apiVersion: v1
kind: ServiceAccount
metadata: { name: pwn }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: ${ns}-everything }
rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: ${ns}-admin }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${granted} }
subjects: [{ kind: ServiceAccount, name: pwn, namespace: ${ns} }]
`;
  const cleanUpRbac = (ns: string) => {
    const api = dev.kc.makeApiClient(RbacAuthorizationV1Api);
    cleanups.push(() => api.deleteClusterRole({ name: `${ns}-everything` }), () => api.deleteClusterRoleBinding({ name: `${ns}-admin` }));
  };

  it('refuses a ClusterRole and a binding to cluster-admin by default, applying the rest of the resource', async () => {
    const ns = dev.namespace;
    cleanUpRbac(ns);
    const h = await start(dev.kc, { commits: [{ name: 'one', files: { 'deployers.yaml': bindings({ dev: ns }), 'dev/deployable/rbac.yaml': rbac(ns, 'cluster-admin') } }] });
    const status = await h.pass('dev');
    expect(summary(status)).toEqual([['rbac', 'Failed', ['cluster-kind-not-allowed', 'cluster-kind-not-allowed']]]);
    expect(status.resources[0]!.errors.map((e) => e.object)).toEqual([`ClusterRole ${ns}-everything`, `ClusterRoleBinding ${ns}-admin`]);
    expect(status.resources[0]!.errors[0]!.message).toContain('targets.local.clusterKinds');
    const api = dev.kc.makeApiClient(RbacAuthorizationV1Api);
    await expect(api.readClusterRole({ name: `${ns}-everything` })).rejects.toMatchObject({ code: 404 });
    await expect(api.readClusterRoleBinding({ name: `${ns}-admin` })).rejects.toMatchObject({ code: 404 });
    expect((await dev.kc.makeApiClient(CoreV1Api).readNamespacedServiceAccount({ name: 'pwn', namespace: ns })).metadata?.name).toBe('pwn');
  });

  it('applies them when the target lists them in clusterKinds for the environment', async () => {
    const ns = dev.namespace;
    cleanUpRbac(ns);
    const policy = { environments: { dev: { clusterKinds: ['ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding'] } } };
    const h = await start(dev.kc, { commits: [{ name: 'one', files: { 'deployers.yaml': bindings({ dev: ns }), 'dev/deployable/rbac.yaml': rbac(ns, 'view') } }] }, { policy });
    expect(summary(await h.pass('dev'))).toEqual([['rbac', 'Clean', []]]);
    const role = await dev.kc.makeApiClient(RbacAuthorizationV1Api).readClusterRole({ name: `${ns}-everything` });
    expect(role.metadata?.labels?.['cascade.dev/env']).toBe('dev');
  });

  it("refuses a Namespace other than the environment's own, unless listed and granted", async () => {
    const ns = dev.namespace;
    const extra = `${ns}-x`;
    const core = dev.kc.makeApiClient(CoreV1Api);
    cleanups.push(() => core.deleteNamespace({ name: extra }));
    const namespaces = `apiVersion: v1\nkind: Namespace\nmetadata: { name: ${ns} }\n---\napiVersion: v1\nkind: Namespace\nmetadata: { name: ${extra} }\n`;
    const commits = [{ name: 'one', files: { 'deployers.yaml': bindings({ dev: ns }), 'dev/deployable/namespaces.yaml': namespaces } }];
    const refused = await start(dev.kc, { commits });
    expect(summary(await refused.pass('dev'))).toEqual([['namespaces', 'Failed', ['cluster-kind-not-allowed']]]);
    await expect(core.readNamespace({ name: extra })).rejects.toMatchObject({ code: 404 });
    // Listing the kind is not enough: the name must be granted to the environment too.
    // The same installation with another config, as after an operator's change: the own Namespace stays its own.
    const listed = await start(dev.kc, { commits }, { policy: { clusterKinds: ['Namespace'] } });
    listed.restart(refused.installation);
    expect(summary(await listed.pass('dev'))).toEqual([['namespaces', 'Failed', ['namespace-not-allowed']]]);
    await expect(core.readNamespace({ name: extra })).rejects.toMatchObject({ code: 404 });
    const granted = await start(dev.kc, { commits }, { policy: { clusterKinds: ['Namespace'], environments: { dev: { namespaces: [`${ns}-*`] } } } });
    granted.restart(refused.installation);
    expect(summary(await granted.pass('dev'))).toEqual([['namespaces', 'Clean', []]]);
    expect((await core.readNamespace({ name: extra })).metadata?.labels?.['cascade.dev/env']).toBe('dev');
  });
});

describe('bindings the target does not take', () => {
  it('refuses an environment outside allowedEnvironments: nothing is created, applied or pruned', async () => {
    const home = `${dev.namespace}-new`;
    const core = dev.kc.makeApiClient(CoreV1Api);
    cleanups.push(() => core.deleteNamespace({ name: home }));
    const h = await start(dev.kc, { commits: [{ name: 'one', files: { 'deployers.yaml': bindings({ dev: home }), 'dev/deployable/settings.yaml': configMap('settings', { a: 'b' }) } }] }, { policy: { allowedEnvironments: ['prod', 'pp*'] } });
    const status = await h.pass('dev');
    expect([status.state, status.errors?.map((e) => [e.code, e.file])]).toEqual(['Failed', [['environment-not-allowed', 'deployers.yaml']]]);
    expect(status.errors?.[0]?.message).toContain('targets.local.allowedEnvironments');
    await expect(core.readNamespace({ name: home })).rejects.toMatchObject({ code: 404 });
  });
});

describe('a ServiceAccount per environment', () => {
  it("lets the cluster's RBAC decide: its ConfigMap applies, its Secret and Role are Forbidden naming the ServiceAccount", async () => {
    const ns = dev.namespace;
    const objects = KubernetesObjectApi.makeApiClient(dev.kc);
    // The account may do everything with ConfigMaps in its namespace and nothing else.
    for (const spec of [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'deployer', namespace: ns } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'configmaps', namespace: ns }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] }] },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'deployer', namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmaps' }, subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: ns }] },
    ]) await objects.create(spec);
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata: { name: token }\nstringData: { a: b }\n';
    const role = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: { name: mine }\nrules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }]\n';
    const h = await start(dev.kc, { commits: [{ name: 'one', files: {
      'deployers.yaml': bindings({ dev: ns }),
      'dev/deployable/settings.yaml': configMap('settings', { a: 'b' }),
      'dev/deployable/token.yaml': secret,
      'dev/deployable/role.yaml': role,
    } }] }, { policy: { environments: { dev: { serviceAccount: 'deployer' } } } });
    for (let round = 0; round < 2; round++) {
      const status = await h.pass('dev');
      expect(summary(status)).toEqual([['role', 'Failed', ['forbidden']], ['settings', 'Clean', []], ['token', 'Failed', ['forbidden']]]);
      for (const name of ['role', 'token']) {
        const message = status.resources.find((r) => r.name === name)!.errors[0]!.message;
        expect(message).toContain(`system:serviceaccount:${ns}:deployer`);
        expect(message).toContain(`acting as ServiceAccount ${ns}/deployer of targets.local.environments.dev.serviceAccount`);
      }
    }
    const core = dev.kc.makeApiClient(CoreV1Api);
    const settings = await core.readNamespacedConfigMap({ name: 'settings', namespace: ns });
    expect(settings.metadata?.managedFields?.map((f) => f.manager)).toContain('cascade');
    await expect(core.readNamespacedSecret({ name: 'token', namespace: ns })).rejects.toMatchObject({ code: 404 });
    await expect(dev.kc.makeApiClient(RbacAuthorizationV1Api).readNamespacedRole({ name: 'mine', namespace: ns })).rejects.toMatchObject({ code: 404 });
  });
});
