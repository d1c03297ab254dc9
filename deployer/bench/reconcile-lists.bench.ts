// What the periodic full reconcile's lists cost the deployer against a real API server, two ways side by side in one
// process: every object read (scanned, only what the watch does not hold parsed) and names and resourceVersions
// confirmed first (metadata alone), which is what a relist does now when no event was lost. N resources (Deployment,
// headless Service, ConfigMap, as the scale benchmark's) are applied by Cascade to the local control plane, each kind
// is listed into a watch's store once, then relisted both ways alternately.
// Run: npm run bench -- reconcile-lists (RECONCILE_BENCH_RESOURCES=2000, RECONCILE_BENCH_ROUNDS=7).
import { parseAllDocuments } from 'yaml';
import type { Manifest, RenderedResource } from '@cascade/common';
import { silentLogger, systemClock } from '@cascade/common/service';
import { renderBenchResource } from '@cascade/common/bench';
import { CascadeObjectApi } from '../src/kubernetes/client.ts';
import { createKubernetesTarget } from '../src/kubernetes/kubernetes-target.ts';
import { environmentSelector } from '../src/kubernetes/labels.ts';
import type { WatchSource, WatchSpec } from '../src/kubernetes/watch/kind-watch.ts';
import { ResourceNames, createKubeWatchSource } from '../src/kubernetes/watch/kube-watch-source.ts';
import { ObjectStore } from '../src/kubernetes/watch/object-store.ts';
import type { EnvironmentPass } from '../src/targets/target.ts';
import { benchCluster, median } from './cluster.ts';

const RESOURCES = Number(process.env.RECONCILE_BENCH_RESOURCES ?? 2000);
const ROUNDS = Number(process.env.RECONCILE_BENCH_ROUNDS ?? 7);
const KINDS = [{ apiVersion: 'apps/v1', kind: 'Deployment' }, { apiVersion: 'v1', kind: 'Service' }, { apiVersion: 'v1', kind: 'ConfigMap' }];

/** The environment's pass: every generated resource rendered as the deployer renders it (Deployments with 0 replicas). */
function pass(env: string, namespace: string): EnvironmentPass {
  const rendered: RenderedResource[] = Array.from({ length: RESOURCES }, (_, i) => {
    const name = `team-${i % 50}/svc-${i}`;
    const manifests = parseAllDocuments(renderBenchResource(name, 'app', true)).map((doc) => doc.toJS() as Manifest);
    for (const manifest of manifests) if (manifest.kind === 'Deployment') (manifest.spec as { replicas: number }).replicas = 0;
    return { ok: true, env, name, version: '1.0', manifests, sourceFiles: [`${env}/version/${name}.yaml`] };
  });
  return { env, binding: { env, target: 'bench', namespace, prune: false, selfHeal: false, allowEmpty: false }, commit: 'bench', resources: [], rendered, pruneHold: [] };
}

/** CPU of this process, in ms, that `work` took. */
async function cpuOf(work: () => Promise<void>): Promise<number> {
  const before = process.cpuUsage();
  await work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

const cluster = await benchCluster();
try {
  const namespace = await cluster.namespace('bench-lists');
  const client = CascadeObjectApi.forConfig(cluster.kc);
  const target = createKubernetesTarget({ name: 'bench', installation: 'bench', client, clock: systemClock, logger: silentLogger });
  const applied = await target.deploy(pass(namespace, namespace));
  if (applied.state === 'Failed') throw new Error(`the apply failed: ${JSON.stringify(applied.errors ?? applied.resources.find((r) => r.errors.length > 0))}`);
  const source: WatchSource = createKubeWatchSource({ kubeConfig: cluster.kc, objects: client, names: new ResourceNames(client) });
  const specs: WatchSpec[] = KINDS.map((k) => ({ ...k, namespace, labelSelector: environmentSelector('bench', namespace) }));
  const stores = specs.map(() => new ObjectStore());
  const listInto = async (store: ObjectStore, spec: WatchSpec) => {
    const intake = store.intake();
    const resourceVersion = await source.list(spec, (items) => intake.add(items), store.size === 0 ? undefined : store.heldOf(spec.apiVersion, spec.kind));
    return store.takeList(intake, resourceVersion);
  };
  // Each kind listed into its store, as a watch's first list, until a list finds nothing new: the controller writes
  // the Deployments' status for a while after the apply (minutes at thousands, at its default 20 requests a second).
  for (let settled = false, tries = 0; !settled; tries++) {
    if (tries === 900) throw new Error('the objects kept changing for 15 minutes after the apply');
    let changes = 0;
    for (const [i, spec] of specs.entries()) changes += (await listInto(stores[i]!, spec)).length;
    settled = tries > 0 && changes === 0;
    if (!settled) await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const objects = stores.reduce((sum, store) => sum + store.size, 0);
  // Read whole: every object's bytes come, held ones are scanned and not parsed (the relist before confirming).
  const whole = () => cpuOf(async () => {
    for (const [i, spec] of specs.entries()) {
      const changes = await listInto(stores[i]!, spec);
      if (changes.length > 0) throw new Error(`${changes.length} ${spec.kind} changed between relists: the cluster is not idle`);
    }
  });
  // Confirmed: names and resourceVersions alone, each held at its version.
  const confirmed = () => cpuOf(async () => {
    for (const [i, spec] of specs.entries()) {
      const store = stores[i]!;
      const at = await source.confirm!(spec, store.heldOf(spec.apiVersion, spec.kind), store.size);
      if (at === undefined) throw new Error(`the ${spec.kind} list was not confirmed: the cluster is not idle`);
      store.confirm(at);
    }
  });
  const wholeMs: number[] = [];
  const confirmedMs: number[] = [];
  await whole();
  await confirmed();
  for (let round = 0; round < ROUNDS; round++) {
    // Alternating, so a noisy stretch of the machine hits both.
    wholeMs.push(await whole());
    confirmedMs.push(await confirmed());
  }
  console.log(`machine: node ${process.version}; ${RESOURCES} resources, ${objects} objects (Deployment, Service, ConfigMap) listed by kind; deployer CPU per relist of all three kinds, median of ${ROUNDS}:`);
  console.log(`  read whole (held ones scanned, not parsed)  ${median(wholeMs).toFixed(0).padStart(6)} ms   rounds ${wholeMs.map((ms) => ms.toFixed(0)).join(', ')}`);
  console.log(`  confirmed from metadata alone               ${median(confirmedMs).toFixed(0).padStart(6)} ms   rounds ${confirmedMs.map((ms) => ms.toFixed(0)).join(', ')}   (${(median(wholeMs) / median(confirmedMs)).toFixed(1)}× less)`);
  await client.close();
} finally {
  await cluster.cleanup();
}
process.exit(0);
