// The deployer against the real local control plane: apply, update, prune, per-resource errors, rollout failures.
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { useTestNamespace } from '../setup/namespace.ts';
import type { Harness } from './harness.ts';
import { deployersYaml, deploymentBase, passUntil, startHarness, versionYaml } from './harness.ts';

const ns = useTestNamespace({ prefix: 'dep' });
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('deployer on a real cluster', () => {
  it('deploys a new service, updates it, and applies several changes of one commit', async () => {
    const env = ns.namespace;
    h = await startHarness(ns.kc, { commits: [
      { name: 'add', files: {
        'deployers.yaml': deployersYaml(env, ns.namespace),
        [`${env}/base/shop/cart.yaml`]: deploymentBase('cart'),
        [`${env}/version/shop/cart.yaml`]: versionYaml('1.0'),
        [`${env}/deployable/shared/settings.yaml`]: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { mode: a }\n',
      } },
      { name: 'change', files: {
        [`${env}/version/shop/cart.yaml`]: versionYaml('1.1', 2),
        [`${env}/deployable/shared/settings.yaml`]: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { mode: b }\n',
        [`${env}/deployable/shared/svc.yaml`]: 'apiVersion: v1\nkind: Service\nmetadata: { name: cart }\nspec: { selector: { app: cart }, ports: [ { port: 80 } ] }\n',
      } },
    ], head: 'add' });
    const apps = ns.kc.makeApiClient(AppsV1Api);
    const core = ns.kc.makeApiClient(CoreV1Api);

    const first = await passUntil(h, env, 'cart 1.0 to roll out', (s) => s.state === 'Clean');
    expect(first.commit).toBe(h.fixture.commits.add);
    // A pass that applied times each of its steps apart (cascade_deployer_pass_step_seconds).
    expect(Object.keys(h.counts.steps)).toEqual(expect.arrayContaining(['fetch', 'read', 'render', 'plan', 'apply', 'report']));
    expect(first.resources.find((r) => r.name === 'shop/cart')).toMatchObject({ state: 'Clean', version: '1.0', liveVersion: '1.0' });
    const deployment = await apps.readNamespacedDeployment({ name: 'cart', namespace: ns.namespace });
    expect(deployment.metadata?.labels).toMatchObject({ 'cascade.dev/env': env, 'cascade.dev/resource': 'shop.cart', app: 'cart' });
    expect(deployment.metadata?.annotations).toMatchObject({ 'cascade.dev/resource': 'shop/cart', 'cascade.dev/version': '1.0', 'cascade.dev/commit': h.fixture.commits.add, 'cascade.dev/source-file': `${env}/base/shop/cart.yaml,${env}/version/shop/cart.yaml` });
    expect(deployment.metadata?.managedFields?.some((f) => f.manager === 'cascade' && f.operation === 'Apply')).toBe(true);

    await h.moveTo('change');
    const second = await passUntil(h, env, 'cart 1.1 to roll out', (s) => s.state === 'Clean' && s.commit === h!.fixture.commits.change);
    expect(second.resources.map((r) => [r.name, r.state, r.liveVersion])).toEqual([['shared/settings', 'Clean', undefined], ['shared/svc', 'Clean', undefined], ['shop/cart', 'Clean', '1.1']]);
    expect((await core.readNamespacedConfigMap({ name: 'settings', namespace: ns.namespace })).data).toEqual({ mode: 'b' });
    expect((await core.readNamespacedService({ name: 'cart', namespace: ns.namespace })).metadata?.labels?.['cascade.dev/resource']).toBe('shared.svc');
    // The old ReplicaSet is scaled away and a new one carries the new template.
    const sets = (await apps.listNamespacedReplicaSet({ namespace: ns.namespace })).items;
    const byVersion = Object.fromEntries(sets.map((rs) => [rs.spec?.template?.metadata?.labels?.version, rs.spec?.replicas]));
    expect(byVersion).toEqual({ '1.0': 0, '1.1': 2 });
  });

  it('prunes a removed resource and leaves an unlabelled object of the same kind alone', async () => {
    const env = ns.namespace;
    const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name} }\ndata: { a: b }\n`;
    h = await startHarness(ns.kc, { commits: [
      { name: 'both', files: { 'deployers.yaml': deployersYaml(env, ns.namespace), [`${env}/deployable/keep.yaml`]: cm('keep'), [`${env}/deployable/old.yaml`]: cm('old') } },
      { name: 'removed', files: { [`${env}/deployable/old.yaml`]: null } },
    ], head: 'both' });
    const core = ns.kc.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: ns.namespace, body: { metadata: { name: 'hand-made' }, data: { x: 'y' } } });
    await h.pass(env);
    expect((await core.listNamespacedConfigMap({ namespace: ns.namespace, labelSelector: 'cascade.dev/resource' })).items.map((c) => c.metadata?.name).sort()).toEqual(['keep', 'old']);

    await h.moveTo('removed');
    const status = await h.pass(env);
    expect(status.resources.map((r) => r.name)).toEqual(['keep']);
    expect(h.counts.pruned).toBe(1);
    const names = (await core.listNamespacedConfigMap({ namespace: ns.namespace })).items.map((c) => c.metadata?.name);
    expect(names).toContain('hand-made');
    expect(names).toContain('keep');
    expect(names).not.toContain('old');
  });

  it('deploys the good resources when others are broken, naming file and message', async () => {
    const env = ns.namespace;
    h = await startHarness(ns.kc, { commits: [{ name: 'mixed', files: {
      'deployers.yaml': deployersYaml(env, ns.namespace),
      [`${env}/deployable/good.yaml`]: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: good }\ndata: { a: b }\n',
      [`${env}/deployable/typo.yaml`]: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: typo }\ndatta: { a: b }\n',
      [`${env}/base/missing-key.yaml`]: deploymentBase('missing'),
      [`${env}/version/missing-key.yaml`]: 'version: "1"\nreplicas: 1\n',
    } }] });
    const status = await h.pass(env);
    expect(status.state).toBe('Failed');
    const byName = Object.fromEntries(status.resources.map((r) => [r.name, r]));
    expect(byName.good).toMatchObject({ state: 'Clean' });
    expect(byName.typo).toMatchObject({ state: 'Failed', errors: [{ code: 'invalid-object', file: `${env}/deployable/typo.yaml`, message: expect.stringContaining('datta') }] });
    expect(byName['missing-key']?.state).toBe('Failed');
    expect(byName['missing-key']?.errors[0]).toMatchObject({ file: expect.stringContaining(`${env}/`), message: expect.stringContaining('image') });
    const core = ns.kc.makeApiClient(CoreV1Api);
    expect((await core.readNamespacedConfigMap({ name: 'good', namespace: ns.namespace })).data).toEqual({ a: 'b' });
  });

  it('reports Failed when a rollout exceeds its progress deadline', async () => {
    const env = ns.namespace;
    // No node matches the selector, so the pods stay Pending and the deadline passes.
    const base = deploymentBase('stuck', '\n  progressDeadlineSeconds: 2').replace('    spec:\n', '    spec:\n      nodeSelector: { cascade.test/no-such-node: "true" }\n');
    h = await startHarness(ns.kc, { commits: [{ name: 'stuck', files: {
      'deployers.yaml': deployersYaml(env, ns.namespace),
      [`${env}/base/stuck.yaml`]: base,
      [`${env}/version/stuck.yaml`]: versionYaml('1'),
    } }] });
    const status = await passUntil(h, env, 'the progress deadline to pass', (s) => s.state === 'Failed');
    expect(status.resources[0]).toMatchObject({ name: 'stuck', state: 'Failed', reason: expect.stringMatching(/^ProgressDeadlineExceeded/) });
  });

  it('surfaces a conflict with another field manager as an error on the resource', async () => {
    const env = ns.namespace;
    h = await startHarness(ns.kc, { commits: [
      { name: 'one', files: { 'deployers.yaml': deployersYaml(env, ns.namespace), [`${env}/base/web.yaml`]: deploymentBase('web'), [`${env}/version/web.yaml`]: versionYaml('1', 1) } },
      { name: 'two', files: { [`${env}/version/web.yaml`]: versionYaml('2', 3) } },
    ], head: 'one' });
    await h.pass(env);
    const apps = ns.kc.makeApiClient(AppsV1Api);
    await apps.patchNamespacedDeployment({ name: 'web', namespace: ns.namespace, fieldManager: 'someone-by-hand', body: [{ op: 'replace', path: '/spec/replicas', value: 2 }] });
    await h.moveTo('two');
    const status = await h.pass(env);
    expect(status.resources[0]).toMatchObject({ state: 'Failed', errors: [{ code: 'apply-conflict', file: `${env}/base/web.yaml,${env}/version/web.yaml`, message: expect.stringContaining('someone-by-hand') }] });
  });

  it('puts hand edits back with selfHeal and counts the correction', async () => {
    const env = ns.namespace;
    h = await deployedWithSelfHeal(env);
    const apps = ns.kc.makeApiClient(AppsV1Api);
    await apps.patchNamespacedDeployment({ name: 'web', namespace: ns.namespace, fieldManager: 'someone-by-hand', body: [{ op: 'replace', path: '/spec/replicas', value: 4 }] });
    await h.pass(env);
    expect(h.counts.applied.drift).toBe(1);
    expect((await apps.readNamespacedDeployment({ name: 'web', namespace: ns.namespace })).spec?.replicas).toBe(1);
  });

  it('with selfHeal, leaves alone a sidecar a webhook-like manager injected, and takes back a field someone else changed', async () => {
    const env = ns.namespace;
    h = await deployedWithSelfHeal(env);
    const apps = ns.kc.makeApiClient(AppsV1Api);
    // The list of containers grows by one item another manager owns, as a sidecar injector makes it.
    const sidecar = { name: 'proxy', image: 'registry.k8s.io/pause:3.10' };
    await apps.patchNamespacedDeployment({ name: 'web', namespace: ns.namespace, fieldManager: 'sidecar-injector', body: [{ op: 'add', path: '/spec/template/spec/containers/-', value: sidecar }] });
    for (let i = 0; i < 3; i++) await h.pass(env);
    expect(h.counts.applied.drift).toBeUndefined();
    const containers = (await apps.readNamespacedDeployment({ name: 'web', namespace: ns.namespace })).spec?.template.spec?.containers.map((c) => c.name);
    expect(containers).toEqual(['app', 'proxy']);

    await apps.patchNamespacedDeployment({ name: 'web', namespace: ns.namespace, fieldManager: 'someone-by-hand', body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'registry.k8s.io/pause:3.9' }] });
    await h.pass(env);
    await h.pass(env);
    expect(h.counts.applied.drift).toBe(1);
    const live = (await apps.readNamespacedDeployment({ name: 'web', namespace: ns.namespace })).spec?.template.spec?.containers;
    expect(live?.map((c) => [c.name, c.image])).toEqual([['app', 'registry.k8s.io/pause:3.10'], ['proxy', 'registry.k8s.io/pause:3.10']]);
  });
});

/** A harness that has deployed one Deployment `web` with selfHeal on. */
async function deployedWithSelfHeal(env: string): Promise<Harness> {
  const harness = await startHarness(ns.kc, { commits: [{ name: 'one', files: {
    'deployers.yaml': deployersYaml(env, ns.namespace, 'prune: true, selfHeal: true'),
    [`${env}/base/web.yaml`]: deploymentBase('web'),
    [`${env}/version/web.yaml`]: versionYaml('1', 1),
  } }] });
  await harness.pass(env);
  return harness;
}
