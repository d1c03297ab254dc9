// Ownership on a real cluster: prune deletes only what the deployer applied for the environment and the repo no
// longer has; never what Kubernetes generated from it, never objects carrying copies of its labels, never after a restart.
import { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import type { KubernetesObject } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { useTestNamespace } from '../setup/namespace.ts';
import { waitUntil } from '../setup/wait.ts';
import type { Harness } from './harness.ts';
import { deployersYaml, startHarness } from './harness.ts';

const ns = useTestNamespace({ prefix: 'own' });
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const pause = 'registry.k8s.io/pause:3.10';
/** A realistic environment: every kind whose controllers copy labels or create objects of their own. */
const RESOURCES: Record<string, string> = {
  'web.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, labels: { app: web } }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template: { metadata: { labels: { app: web } }, spec: { containers: [{ name: app, image: ${pause} }] } }
---
apiVersion: v1
kind: Service
metadata: { name: web, labels: { app: web } }
spec: { selector: { app: web }, ports: [{ port: 80 }] }
`,
  'api.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: { name: api }
spec:
  selector: { matchLabels: { app: api } }
  template: { metadata: { labels: { app: api } }, spec: { containers: [{ name: app, image: ${pause} }] } }
---
apiVersion: v1
kind: Service
metadata: { name: api }
spec: { selector: { app: api }, ports: [{ port: 8080 }] }
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: api }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: api }
  minReplicas: 1
  maxReplicas: 3
  metrics: [{ type: Resource, resource: { name: cpu, target: { type: Utilization, averageUtilization: 80 } } }]
`,
  'db.yaml': `apiVersion: v1
kind: Service
metadata: { name: db }
spec: { clusterIP: None, selector: { app: db }, ports: [{ port: 5432 }] }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
spec:
  serviceName: db
  replicas: 1
  selector: { matchLabels: { app: db } }
  template: { metadata: { labels: { app: db } }, spec: { containers: [{ name: db, image: ${pause} }] } }
  volumeClaimTemplates:
    - metadata: { name: data }
      spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }
`,
  'nightly.yaml': `apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly }
spec:
  schedule: "0 0 1 1 *"
  jobTemplate:
    spec: { template: { spec: { restartPolicy: Never, containers: [{ name: job, image: ${pause} }] } } }
`,
  'ingress.yaml': `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web }
spec:
  rules: [{ host: web.example.com, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] } }]
`,
  'settings.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { LOG_LEVEL: info }\n',
};

/** Kinds whose objects come and go on their own (events) are left out of the comparison. */
const VOLATILE_KINDS = new Set(['Event']);

/** Every object in the namespace, of every namespaced kind the server serves, as `Kind/name` → uid. */
async function uidsIn(objects: KubernetesObjectApi, client: Harness['client'], namespace: string): Promise<Map<string, string>> {
  const uids = new Map<string, string>();
  for (const kind of await client.discoverPrunableKinds()) {
    if (kind.scope !== 'Namespaced' || VOLATILE_KINDS.has(kind.kind)) continue;
    const list = await objects.list(kind.apiVersion, kind.kind, namespace);
    for (const item of list.items as KubernetesObject[]) uids.set(`${kind.kind}/${item.metadata?.name}`, item.metadata?.uid ?? '');
  }
  return uids;
}

describe('ownership: what the deployer may delete', () => {
  it('never prunes generated objects or copies of its labels, prunes exactly a removed resource, and remembers across a restart', async () => {
    const env = ns.namespace;
    const files = Object.fromEntries(Object.entries(RESOURCES).map(([file, text]) => [`${env}/deployable/${file}`, text]));
    // Twenty commits that change nothing in the environment, then one that removes a resource.
    const idle = Array.from({ length: 20 }, (_, i) => ({ name: `readme-${i}`, files: { 'README.md': `edit ${i}\n` } }));
    h = await startHarness(ns.kc, { commits: [
      { name: 'one', files: { 'deployers.yaml': deployersYaml(env, ns.namespace), ...files } },
      ...idle,
      { name: 'without-web', files: { [`${env}/deployable/web.yaml`]: null } },
    ] });
    const objects = KubernetesObjectApi.makeApiClient(ns.kc);
    await h.moveTo('one');
    const first = await h.pass(env);
    expect(first.resources.flatMap((r) => r.errors)).toEqual([]);

    // What Kubernetes makes of it: endpoints with the Services' labels, a Job of the CronJob, ReplicaSets, PVCs.
    // As `kubectl create job --from=cronjob/nightly` makes it: owned by the CronJob.
    const cronJob = await h.client.readObject({ apiVersion: 'batch/v1', kind: 'CronJob', namespace: ns.namespace, name: 'nightly' });
    const owner = { apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: String((cronJob?.metadata as { uid: string }).uid), controller: true };
    await objects.create({
      apiVersion: 'batch/v1', kind: 'Job',
      metadata: { name: 'nightly-manual', namespace: ns.namespace, annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' }, ownerReferences: [owner] },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'job', image: pause }] } } },
    } as KubernetesObject);
    // A copy of every one of Cascade's marks on an object it never applied, as a careless controller or person would leave.
    const web = await h.client.readObject({ apiVersion: 'v1', kind: 'Service', namespace: ns.namespace, name: 'web' });
    const webMeta = web?.metadata as { labels: Record<string, string>; annotations: Record<string, string> };
    await objects.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'copied-marks', namespace: ns.namespace, labels: webMeta.labels, annotations: webMeta.annotations } });
    const before = await waitUntil('generated objects', async () => {
      const uids = await uidsIn(objects, h!.client, ns.namespace);
      const generated = ['Endpoints/web', 'EndpointSlice/', 'ReplicaSet/web-', 'ReplicaSet/api-', 'PersistentVolumeClaim/data-db-0', 'Job/nightly-manual', 'ControllerRevision/db-'];
      const missing = generated.filter((prefix) => ![...uids.keys()].some((key) => key.startsWith(prefix)));
      if (missing.length > 0) throw new Error(`not generated yet: ${missing.join(', ')}`);
      return uids;
    }, { timeoutMs: 180_000 });
    const applied = { ...h.counts.applied };

    for (const { name } of idle) {
      await h.moveTo(name);
      expect((await h.pass(env)).errors ?? []).toEqual([]);
    }
    const after = await uidsIn(objects, h.client, ns.namespace);
    expect([...before].filter(([key, uid]) => after.get(key) !== uid)).toEqual([]);
    expect([h.counts.pruned, h.counts.applied]).toEqual([0, applied]);

    // Removing one resource deletes its two objects and what their owners' garbage collection takes along, nothing else.
    await h.moveTo('without-web');
    await h.pass(env);
    expect(h.counts.pruned).toBe(2);
    const removed = await uidsIn(objects, h.client, ns.namespace);
    for (const key of ['Deployment/web', 'Service/web']) expect(removed.has(key)).toBe(false);
    const survivors = [...before].filter(([key]) => !/^[A-Za-z]+\/web(-|$)/.test(key) || key === 'Ingress/web');
    expect(survivors.filter(([key, uid]) => removed.get(key) !== uid && !key.startsWith('EndpointSlice/web-'))).toEqual([]);

    // A deployer that starts afresh with an empty data dir reads the inventory back from the cluster: still nothing else is pruned.
    await h.restartWithEmptyDataDir();
    for (let i = 0; i < 3; i++) await h.pass(env);
    expect(h.counts.pruned).toBe(2);
    const restarted = await uidsIn(objects, h.client, ns.namespace);
    expect(survivors.filter(([key, uid]) => restarted.get(key) !== uid && !key.startsWith('EndpointSlice/web-'))).toEqual([]);
  }, 400_000);

  it('holds pruning while its inventory cannot be read, then rebuilds it from the objects it can prove are its own', async () => {
    const env = ns.namespace;
    const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name} }\ndata: { a: b }\n`;
    h = await startHarness(ns.kc, { commits: [
      { name: 'both', files: { 'deployers.yaml': deployersYaml(env, ns.namespace), [`${env}/deployable/keep.yaml`]: cm('keep'), [`${env}/deployable/old.yaml`]: cm('old') } },
      { name: 'removed', files: { [`${env}/deployable/old.yaml`]: null } },
    ], head: 'both' });
    await h.pass(env);
    const objects = KubernetesObjectApi.makeApiClient(ns.kc);
    const inventory = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cascade-inventory-${h.installation}-${env}`, namespace: ns.namespace } };
    await objects.patch({ ...inventory, binaryData: { 'inventory.tsv.gz': Buffer.from('not gzip').toString('base64') } } as KubernetesObject, undefined, undefined, 'someone-by-hand', undefined, PatchStrategy.MergePatch);

    await h.moveTo('removed');
    const held = await h.pass(env);
    expect(held.errors?.map((e) => e.code)).toEqual(['prune-held']);
    expect(h.counts.pruned).toBe(0);
    const settled = await h.pass(env);
    expect([settled.errors, h.counts.pruned]).toEqual([undefined, 1]);
    expect(await h.client.readObject({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns.namespace, name: 'old' })).toBeUndefined();
  });
});
