// End-to-end latency on the real stack (three service processes, a bare git remote, a private local cluster):
// from a push acknowledged by the aggregator to the new image in the dev Deployment, and from dev rolled out
// to the pp Deployment carrying it. Times come from a watch on the API server, not from polling.
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, Watch, type V1Deployment } from '@kubernetes/client-node';
import { startLocalCluster, stopLocalCluster } from '../../scripts/cluster/index.ts';
import { imageOf, pushWithHttp } from '../e2e/ci.ts';
import { killAllServices } from '../e2e/harness.ts';
import { startStack, type Stack } from '../e2e/stack.ts';

const PUSHES = Number(process.env.E2E_BENCH_PUSHES ?? 50);
/** Poll intervals to measure: the documented default, and the 1 s the e2e tests use. */
const POLL_INTERVALS = (process.env.E2E_BENCH_POLL ?? '10s,1s').split(',');
const log = (line: string) => console.error(`[cluster] ${line}`);

/** When each (env, image) was first seen in the Deployment, and when its rollout was first complete. */
interface Sightings {
  applied: Map<string, number>;
  rolledOut: Map<string, number>;
}

/** Watches the cart Deployment in dev and pp and records the first sighting of each image and of its completed rollout. */
async function watchCart(kc: KubeConfig, stack: Stack): Promise<{ sightings: Sightings; stop: () => void }> {
  const sightings: Sightings = { applied: new Map(), rolledOut: new Map() };
  const controllers: AbortController[] = [];
  for (const env of ['dev', 'pp'] as const) {
    const onEvent = (_phase: string, deployment: V1Deployment) => {
      if (deployment.metadata?.name !== 'cart') return;
      const now = performance.now();
      const key = `${env} ${deployment.spec?.template.spec?.containers[0]?.image}`;
      if (!sightings.applied.has(key)) sightings.applied.set(key, now);
      if (rolledOut(deployment) && !sightings.rolledOut.has(key)) sightings.rolledOut.set(key, now);
    };
    controllers.push(await new Watch(kc).watch(`/apis/apps/v1/namespaces/${stack.namespaces[env]}/deployments`, {}, onEvent, () => {}));
  }
  return { sightings, stop: () => controllers.forEach((c) => c.abort()) };
}

/** What `kubectl rollout status` calls complete: observed, every replica updated and available, none old. */
function rolledOut(d: V1Deployment): boolean {
  const want = d.spec?.replicas ?? 1;
  const s = d.status;
  return (s?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) && s?.updatedReplicas === want && s.availableReplicas === want && (s.replicas ?? 0) === want;
}

async function until(what: string, check: () => number | undefined, timeoutMs = 120_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.max(0, Math.ceil((p / 100) * values.length) - 1))] ?? NaN;
const summary = (values: number[]) => `p50 ${(percentile(values, 50) / 1000).toFixed(2)} s, p95 ${(percentile(values, 95) / 1000).toFixed(2)} s, max ${(Math.max(...values) / 1000).toFixed(2)} s`;

/** One stack with `pollInterval`, PUSHES pushes of shop/cart, one after the other once pp has the previous one. */
async function measure(kubeconfig: string, kc: KubeConfig, pollInterval: string): Promise<void> {
  const stack = await startStack({ kubeconfig, prefix: 'bench', pollInterval, logLevel: 'warn' });
  const watch = await watchCart(kc, stack);
  const toDev: number[] = [];
  const toPp: number[] = [];
  try {
    for (let i = 0; i < PUSHES; i++) {
      const version = `7.0.${i}`;
      const image = imageOf('shop/cart', version);
      const outcome = await pushWithHttp(stack, 'shop/cart', version);
      const acknowledged = performance.now();
      if (!outcome.acknowledged) throw new Error(`push ${version} refused: ${outcome.reason}`);
      const inDev = await until(`${image} in dev`, () => watch.sightings.applied.get(`dev ${image}`));
      const devRolledOut = await until(`${image} rolled out in dev`, () => watch.sightings.rolledOut.get(`dev ${image}`));
      const inPp = await until(`${image} in pp`, () => watch.sightings.applied.get(`pp ${image}`));
      toDev.push(inDev - acknowledged);
      toPp.push(inPp - devRolledOut);
      // The next push starts from a settled pipeline, as pushes minutes apart would.
      await until(`${image} rolled out in pp`, () => watch.sightings.rolledOut.get(`pp ${image}`));
    }
  } finally {
    watch.stop();
    await stack.stop();
  }
  console.log(`pollInterval ${pollInterval}, ${PUSHES} pushes of shop/cart:`);
  console.log(`  push acknowledged → new image in the dev Deployment: ${summary(toDev)}`);
  console.log(`  dev rolled out    → new image in the pp Deployment:  ${summary(toPp)}`);
}

// A private cluster: the benchmark must neither disturb nor be disturbed by tests on the shared one.
const clusterDir = join(tmpdir(), `cascade-e2e-bench-${process.pid}`);
process.env.CASCADE_CLUSTER_DIR = clusterDir;
const cluster = await startLocalCluster(log);
try {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  for (const pollInterval of POLL_INTERVALS) await measure(cluster.kubeconfig, kc, pollInterval);
} finally {
  await killAllServices();
  await stopLocalCluster(log);
  await rm(clusterDir, { recursive: true, force: true });
}
