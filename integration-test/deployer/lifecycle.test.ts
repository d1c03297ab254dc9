// The deployer across outages and restarts, and with CRDs: what it does when the cluster or the deployer comes back.
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { silentLogger, systemClock } from '@cascade/common/service';
import type { Target } from '@cascade/deployer';
import { afterEach, describe, expect, it } from 'vitest';
import { CascadeObjectApi, createKubernetesTarget } from '@cascade/deployer';
import { useTestNamespace } from '../setup/namespace.ts';
import type { Harness } from './harness.ts';
import { deployersYaml, deploymentBase, passUntil, startHarness, versionYaml } from './harness.ts';

const ns = useTestNamespace({ prefix: 'dlc' });
let h: Harness | undefined;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup().catch(() => {});
  await h?.close();
  h = undefined;
});

/** A kubeconfig like the test one, but pointing at a port nothing listens on. */
function unreachableConfig(kc: KubeConfig): KubeConfig {
  const copy = new KubeConfig();
  copy.loadFromString(kc.exportConfig());
  const cluster = copy.getCurrentCluster()!;
  copy.clusters = copy.clusters.map((c) => (c.name === cluster.name ? { ...c, server: 'https://127.0.0.1:1' } : c));
  return copy;
}

describe('deployer lifecycle on a real cluster', () => {
  it('reports an unreachable cluster with its start time, then deploys once the cluster answers', async () => {
    const env = ns.namespace;
    let reachable = false;
    const down = createKubernetesTarget({ name: 'local', installation: 'unreachable', client: CascadeObjectApi.forConfig(unreachableConfig(ns.kc)), clock: systemClock, logger: silentLogger });
    h = await startHarness(ns.kc, { commits: [{ name: 'one', files: {
      'deployers.yaml': deployersYaml(env, ns.namespace),
      [`${env}/deployable/cm.yaml`]: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cm }\ndata: { a: b }\n',
    } }] }, { target: (real): Target => ({ name: 'local', deploy: (pass) => (reachable ? real : down).deploy(pass) }), retry: { initial: 1, max: 1 } });

    const first = await h.pass(env);
    expect(first).toMatchObject({ env, state: 'Unreachable', unreachable: { message: expect.stringContaining('127.0.0.1:1') } });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await h.pass(env)).unreachable?.since).toBe(first.unreachable?.since);

    reachable = true;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const status = await h.pass(env);
    expect(status).toMatchObject({ state: 'Clean', commit: h.fixture.commits.one });
    expect(status.unreachable).toBeUndefined();
  });

  it('keeps deploying the environments of healthy targets while another target is down, and retries that one with its own backoff', async () => {
    const [healthy, other] = [ns.namespace, `${ns.namespace}-other`];
    let attempts = 0;
    const real = createKubernetesTarget({ name: 'down', installation: 'unreachable', client: CascadeObjectApi.forConfig(unreachableConfig(ns.kc)), clock: systemClock, logger: silentLogger });
    const down: Target = { name: 'down', deploy: (pass) => (attempts++, real.deploy(pass)) };
    const configMap = (value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cm }\ndata: { a: "${value}" }\n`;
    h = await startHarness(ns.kc, { commits: [
      { name: 'one', files: {
        'deployers.yaml': `deployers:\n  ${healthy}: { target: local, namespace: ${ns.namespace} }\n  ${other}: { target: down, namespace: ${ns.namespace}-x }\n`,
        [`${healthy}/deployable/cm.yaml`]: configMap('1'),
        [`${other}/deployable/cm.yaml`]: configMap('1'),
      } },
      { name: 'two', files: { [`${healthy}/deployable/cm.yaml`]: configMap('2') } },
    ] }, { extraTargets: new Map([['down', down]]), retry: { initial: 3_600_000, max: 3_600_000 } });

    await h.moveTo('one');
    const first = await h.core.pass();
    expect(first.environments.map((e) => [e.env, e.state])).toEqual([[healthy, 'Clean'], [other, 'Unreachable']]);
    await h.moveTo('two');
    const second = await h.core.pass();
    expect(second.environments.map((e) => [e.env, e.state, e.commit])).toEqual([[healthy, 'Clean', h.fixture.commits.two], [other, 'Unreachable', undefined]]);
    const cm = await h.client.readObject({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns.namespace, name: 'cm' });
    expect((cm?.data as Record<string, string>).a).toBe('2');
    // The down target was tried once; its hour-long backoff keeps the second pass from waiting on it.
    expect(attempts).toBe(1);
  });

  it('does not re-apply unchanged objects after a restart, and reads the live version back', async () => {
    const env = ns.namespace;
    h = await startHarness(ns.kc, { commits: [{ name: 'one', files: {
      'deployers.yaml': deployersYaml(env, ns.namespace),
      [`${env}/base/web.yaml`]: deploymentBase('web'),
      [`${env}/version/web.yaml`]: versionYaml('3.1'),
      [`${env}/deployable/cm.yaml`]: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cm }\ndata: { a: b }\n',
    } }] });
    await passUntil(h, env, 'web to roll out', (s) => s.state === 'Clean');
    const appliedBefore = h.counts.applied.create ?? 0;
    expect(appliedBefore).toBe(2);

    h.restart();
    const status = await h.pass(env);
    expect(h.counts.applied).toEqual({ create: 2 });
    expect(status.resources.find((r) => r.name === 'web')).toMatchObject({ state: 'Clean', liveVersion: '3.1' });
  });

  it('applies a CRD and an object of its kind from the same commit', async () => {
    const env = ns.namespace;
    const group = `${ns.namespace}.cascade.test`;
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.${group} }
spec:
  group: ${group}
  scope: Namespaced
  names: { kind: Widget, plural: widgets, singular: widget }
  versions:
    - name: v1
      served: true
      storage: true
      schema: { openAPIV3Schema: { type: object, properties: { spec: { type: object, properties: { size: { type: integer } } } } } }
`;
    h = await startHarness(ns.kc, { commits: [{ name: 'one', files: {
      'deployers.yaml': deployersYaml(env, ns.namespace),
      [`${env}/deployable/crd/widgets.yaml`]: crd,
      [`${env}/deployable/widget.yaml`]: `apiVersion: ${group}/v1\nkind: Widget\nmetadata: { name: w }\nspec: { size: 3 }\n`,
    } }] }, { policy: { clusterKinds: ['apiextensions.k8s.io/CustomResourceDefinition'] } });
    const objects = KubernetesObjectApi.makeApiClient(ns.kc);
    cleanups.push(() => objects.delete({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `widgets.${group}` } }));

    const status = await h.pass(env);
    expect(status.resources.map((r) => [r.name, r.state, r.errors])).toEqual([['crd/widgets', 'Clean', []], ['widget', 'Clean', []]]);
    const widget = await objects.read({ apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w', namespace: ns.namespace } });
    expect((widget as unknown as { spec: { size: number } }).spec.size).toBe(3);
  });
});
