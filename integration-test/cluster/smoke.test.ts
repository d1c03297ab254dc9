// Smoke test of the test cluster and of @kubernetes/client-node against it: workloads become Available on kwok
// nodes, core objects and custom resources round-trip unchanged, and kubectl talks to the same API server.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import type { KubernetesObject, V1CustomResourceDefinition } from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import { useTestNamespace } from '../setup/namespace.ts';
import { waitUntil } from '../setup/wait.ts';

const run = promisify(execFile);
const ns = useTestNamespace({ prefix: 'smoke' });

describe('local cluster', () => {
  it('makes a 2-replica Deployment, applied server-side, Available', async () => {
    const apps = ns.kc.makeApiClient(AppsV1Api);
    const labels = { app: 'web' };
    // Server-side apply through the generic object API: the path an applier takes.
    await KubernetesObjectApi.makeApiClient(ns.kc).patch(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: ns.namespace },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: 'web', image: 'registry.k8s.io/pause:3.10' }] },
          },
        },
      } as KubernetesObject,
      undefined,
      undefined,
      'cascade-smoke-test',
      true,
      PatchStrategy.ServerSideApply,
    );
    const deployment = await waitUntil('deployment web to become Available', async () => {
      const d = await apps.readNamespacedDeployment({ name: 'web', namespace: ns.namespace });
      const available = d.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True');
      return available && d.status?.availableReplicas === 2 ? d : undefined;
    });
    expect(deployment.status?.readyReplicas).toBe(2);
    const pods = await ns.kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: ns.namespace });
    expect(pods.items.map((p) => p.status?.phase)).toEqual(['Running', 'Running']);
  });

  it('round-trips a Service (named targetPort) and a ConfigMap', async () => {
    const core = ns.kc.makeApiClient(CoreV1Api);
    await core.createNamespacedService({
      namespace: ns.namespace,
      body: {
        metadata: { name: 'web' },
        spec: {
          selector: { app: 'web' },
          ports: [
            { name: 'http', port: 80, targetPort: 'http' },
            { name: 'metrics', port: 9090, targetPort: 9091 },
          ],
        },
      },
    });
    const service = await core.readNamespacedService({ name: 'web', namespace: ns.namespace });
    expect(service.spec?.ports?.map((p) => [p.name, p.port, p.targetPort])).toEqual([
      ['http', 80, 'http'],
      ['metrics', 9090, 9091],
    ]);

    const data = { 'app.yaml': 'replicas: 2\nname: web\n', empty: '' };
    await core.createNamespacedConfigMap({ namespace: ns.namespace, body: { metadata: { name: 'settings' }, data } });
    const configMap = await core.readNamespacedConfigMap({ name: 'settings', namespace: ns.namespace });
    expect(configMap.data).toEqual(data);
  });

  it('round-trips a CRD and its objects with preserve-unknown-fields and int-or-string intact', async () => {
    const extensions = ns.kc.makeApiClient(ApiextensionsV1Api);
    // CRDs are cluster-scoped: the namespace in the group keeps concurrent runs apart.
    const group = `${ns.namespace}.smoke.cascade.test`;
    const crdName = `widgets.${group}`;
    await extensions.createCustomResourceDefinition({ body: widgetDefinition(group) });
    try {
      const crd = await extensions.readCustomResourceDefinition({ name: crdName });
      const spec = crd.spec.versions[0]?.schema?.openAPIV3Schema?.properties?.spec?.properties;
      expect(spec?.free?.x_kubernetes_preserve_unknown_fields).toBe(true);
      expect(spec?.port?.x_kubernetes_int_or_string).toBe(true);
      await waitUntil(`CRD ${crdName} to be Established`, async () => {
        const current = await extensions.readCustomResourceDefinition({ name: crdName });
        return current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') || undefined;
      });

      const free = { nested: { list: [1, 'two', { three: 3 }], flag: false }, empty: {}, nothing: null };
      const widget = (name: string, port: number | string) => ({
        apiVersion: `${group}/v1`,
        kind: 'Widget',
        metadata: { name, namespace: ns.namespace },
        spec: { free, port },
      });
      // The generic object API is what an applier uses; CustomObjectsApi reads back without any typed model.
      const objects = KubernetesObjectApi.makeApiClient(ns.kc);
      await objects.create(widget('numeric', 8080));
      await objects.create(widget('named', 'http'));
      const custom = ns.kc.makeApiClient(CustomObjectsApi);
      for (const [name, port] of [['numeric', 8080], ['named', 'http']] as const) {
        const read = (await custom.getNamespacedCustomObject({ group, version: 'v1', namespace: ns.namespace, plural: 'widgets', name })) as {
          spec: unknown;
        };
        expect(read.spec).toEqual({ free, port });
        const generic = (await objects.read({ apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name, namespace: ns.namespace } })) as KubernetesObject & {
          spec: unknown;
        };
        expect(generic.spec).toEqual({ free, port });
      }
    } finally {
      await extensions.deleteCustomResourceDefinition({ name: crdName });
    }
  });

  it('answers kubectl get nodes with Ready kwok nodes', async () => {
    const kubectl = inject('kubectl');
    expect(kubectl, 'kubectl is built by `npm run cluster:build`').not.toBe('');
    const { stdout } = await run(kubectl, ['--kubeconfig', inject('kubeconfig'), 'get', 'nodes', '--no-headers']);
    expect(stdout).toMatch(/\sReady\s/);
    const version = await run(kubectl, ['--kubeconfig', inject('kubeconfig'), 'version', '-o', 'json']);
    const versions = JSON.parse(version.stdout) as { clientVersion: { gitVersion: string }; serverVersion: { gitVersion: string } };
    expect(versions.clientVersion.gitVersion).toMatch(/^v1\.\d+\.\d+$/);
    expect(versions.serverVersion.gitVersion).toMatch(/^v1\.\d+\.\d+/);
  });
});

/** A namespaced Widget CRD whose spec has a free-form object and an int-or-string field. */
function widgetDefinition(group: string): V1CustomResourceDefinition {
  return {
    metadata: { name: `widgets.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: {
                    free: { type: 'object', x_kubernetes_preserve_unknown_fields: true },
                    port: { x_kubernetes_int_or_string: true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
                  },
                },
              },
            },
          },
        },
      ],
    },
  };
}
