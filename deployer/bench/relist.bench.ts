// What the periodic full reconcile's relist costs per object the watch already holds: list pages of Deployments shaped
// like the scale benchmark's (managed fields of Cascade's apply and of the controller, status, labels), taken into an
// ObjectStore that holds them all at the listed resourceVersions, read two ways side by side in one process: parsed
// whole (as every list was read before) and scanned, parsing only what is not held (as a relist reads now).
// Run: npm run bench -- relist (RELIST_BENCH_OBJECTS=10000, RELIST_BENCH_ROUNDS=7).
import { readListPage } from '../src/kubernetes/watch/list-scan.ts';
import { ObjectStore } from '../src/kubernetes/watch/object-store.ts';
import type { HeldAt, WatchSpec } from '../src/kubernetes/watch/kind-watch.ts';

const OBJECTS = Number(process.env.RELIST_BENCH_OBJECTS ?? 10_000);
const ROUNDS = Number(process.env.RELIST_BENCH_ROUNDS ?? 7);
const PAGE = 500;
const SPEC: WatchSpec = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'bench-dev', labelSelector: 'cascade.dev/env=dev' };

/** A Deployment as a list item comes from the API server once Cascade applied it and the controller reported on it. */
function deployment(i: number): Record<string, unknown> {
  const name = `svc-${String(i).padStart(5, '0')}`;
  const labels = { app: name, 'cascade.dev/installation': 'bench', 'cascade.dev/env': 'dev', 'cascade.dev/resource': name };
  const container = { name: 'app', image: `registry.example.com/team/${name}:1.0.${i}`, ports: [{ containerPort: 8080, protocol: 'TCP' }], resources: { requests: { cpu: '10m', memory: '16Mi' } }, env: [{ name: 'VERSION', value: `1.0.${i}` }] };
  const fields = (keys: string[]) => Object.fromEntries(keys.map((k) => [`f:${k}`, {}]));
  return {
    metadata: {
      name, namespace: SPEC.namespace, uid: `0000${i}-aaaa-bbbb-cccc-dddddddddddd`, resourceVersion: String(100_000 + i), generation: 1, creationTimestamp: '2026-12-01T00:00:00Z', labels,
      annotations: { 'deployment.kubernetes.io/revision': '1', 'cascade.dev/applied': `sha256:${'ab'.repeat(32)}` },
      managedFields: [
        { manager: 'cascade', operation: 'Apply', apiVersion: 'apps/v1', time: '2026-12-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': fields(Object.keys(labels)), 'f:annotations': fields(['cascade.dev/applied']) }, 'f:spec': { 'f:replicas': {}, 'f:selector': {}, 'f:template': { 'f:metadata': { 'f:labels': fields(['app']) }, 'f:spec': { 'f:containers': { 'k:{"name":"app"}': fields(['image', 'name', 'ports', 'resources', 'env']) } } } } } },
        { manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'apps/v1', time: '2026-12-01T00:00:05Z', fieldsType: 'FieldsV1', subresource: 'status', fieldsV1: { 'f:status': fields(['availableReplicas', 'conditions', 'observedGeneration', 'readyReplicas', 'replicas', 'updatedReplicas']) } },
      ],
    },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [container], restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst' } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } }, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 },
    status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1, conditions: [{ type: 'Available', status: 'True', lastUpdateTime: '2026-12-01T00:00:05Z', lastTransitionTime: '2026-12-01T00:00:05Z', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }, { type: 'Progressing', status: 'True', lastUpdateTime: '2026-12-01T00:00:05Z', lastTransitionTime: '2026-12-01T00:00:00Z', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${name}-5d8f7b" has successfully progressed.` }] },
  };
}

const pages: Buffer[] = [];
for (let start = 0; start < OBJECTS; start += PAGE) {
  const items = Array.from({ length: Math.min(PAGE, OBJECTS - start) }, (_, k) => deployment(start + k));
  pages.push(Buffer.from(JSON.stringify({ kind: 'DeploymentList', apiVersion: 'apps/v1', metadata: { resourceVersion: '999999' }, items })));
}
const bytes = pages.reduce((sum, page) => sum + page.length, 0);

// The watch's store, holding every object at the listed resourceVersion (what a relist finds when no event was lost).
const store = new ObjectStore();
const first = store.intake();
for (const page of pages) first.add(readListPage(page, SPEC).items);
store.takeList(first, '999999');
const held: HeldAt = store.heldOf(SPEC.apiVersion, SPEC.kind);

/** One relist of every page into the store; the CPU it took in ms. */
function relist(scan: boolean): number {
  const before = process.cpuUsage();
  const intake = store.intake();
  for (const page of pages) intake.add(readListPage(page, SPEC, scan ? held : undefined).items);
  const changes = store.takeList(intake, '999999');
  if (changes.length > 0) throw new Error(`a relist of unchanged objects reported ${changes.length} changes`);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const parsed: number[] = [];
const scanned: number[] = [];
relist(false);
relist(true);
for (let round = 0; round < ROUNDS; round++) {
  // Alternating, so a noisy stretch of the machine hits both.
  parsed.push(relist(false));
  scanned.push(relist(true));
}
console.log(`relist of ${OBJECTS} Deployments held at their listed resourceVersions (${(bytes / 1e6).toFixed(1)} MB of JSON in pages of ${PAGE}), CPU per relist, median of ${ROUNDS}:`);
console.log(`  parsed whole            ${median(parsed).toFixed(0).padStart(6)} ms`);
console.log(`  scanned, held unparsed  ${median(scanned).toFixed(0).padStart(6)} ms   (${(median(parsed) / median(scanned)).toFixed(1)}× less)`);
