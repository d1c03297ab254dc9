// Cascade at a real team's size: N resources (Deployment, Service, ConfigMap) × latest, dev, pp and prod on a
// private local cluster, the three services as separate processes. Per size: first convergence against kubectl,
// push → dev with a per-step breakdown, dev rolled out → pp, idle CPU, memory and the dashboard.
// Run: npm run bench -- scale            (1,000 resources)
//      SCALE_BENCH_SIZES=1000,10000 npm run bench -- scale
// Last, `cascade up` serves the same repo in one process, for the memory of all three together (SCALE_BENCH_UP=0: not).
// Other knobs: SCALE_BENCH_PODS=pushed (pods only for the pushed resources), SCALE_BENCH_SERVICES=headless (no cluster IPs), SCALE_BENCH_HEAP=<dir> (heap snapshots after the pushes, of each service and of `cascade up`), SCALE_BENCH_IMAGE_ENV=0 (the services without the run image's environment), SCALE_BENCH_PUSHES (20), SCALE_BENCH_IDLE seconds (60), SCALE_BENCH_POLL (10s), SCALE_BENCH_DASHBOARD_LOADS (3),
// SCALE_BENCH_TIMEOUT_MIN per 1,000 resources (60) for convergence and rollout; CASCADE_CLUSTER_CONTROLLER_QPS lifts the
// controllers' 20 requests a second, without which rolling out 40,000 pods takes hours.
import { rm } from 'node:fs/promises';
import { cpus, freemem, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleCli, bundleIsFresh } from '@cascade/cli/build';
import { localKubectlPath, startLocalCluster, stopLocalCluster } from '../../scripts/cluster/index.ts';
import { killAllServices } from '../e2e/harness.ts';
import { ensureUiBuilt } from '../ui/support/ui-build.ts';
import { loadAverage } from './process-sample.ts';
import { formatScaleResult } from './scale-report.ts';
import { runScale } from './scale-run.ts';
import { runImageEnvironment } from './scale-stack.ts';

const SIZES = (process.env.SCALE_BENCH_SIZES ?? '1000').split(',').map(Number);
const PUSHES = Number(process.env.SCALE_BENCH_PUSHES ?? 20);
const IDLE_SECONDS = Number(process.env.SCALE_BENCH_IDLE ?? 60);
const POLL = process.env.SCALE_BENCH_POLL ?? '10s';
const DASHBOARD_LOADS = Number(process.env.SCALE_BENCH_DASHBOARD_LOADS ?? 3);
// A folder for the services' CPU profiles (one .cpuprofile per process, for Chrome DevTools), to see where a pass goes;
// idle-window.json there bounds the idle minute for `tsx scripts/profile/window.ts DIR/*.cpuprofile --window DIR/idle-window.json`,
// pushes-window.json the push rounds.
const CPU_PROFILE_DIR = process.env.SCALE_BENCH_CPU_PROFILE;
// A folder for a heap snapshot of each service once the pushes are done (open in DevTools' Memory tab).
const HEAP_SNAPSHOT_DIR = process.env.SCALE_BENCH_HEAP;
// The last step starts `cascade up` (all three in one process) on the same repo, for its memory. SCALE_BENCH_UP=0 leaves it
// out; SCALE_BENCH_UP_NODE_ARGS='--optimize-for-size;--max-semi-space-size=4' runs it once more per ';'-separated
// list of node options, side by side with the usual ones.
const ONE_PROCESS = process.env.SCALE_BENCH_UP === '0' ? [] : [[], ...(process.env.SCALE_BENCH_UP_NODE_ARGS ?? '').split(';').filter((args) => args.trim() !== '').map((args) => args.trim().split(/\s+/))];
// SCALE_BENCH_KUBECTL=0 leaves out the side-by-side kubectl apply (minutes at 1,000), for runs about the push path.
const KUBECTL_APPLY = process.env.SCALE_BENCH_KUBECTL !== '0';
// The services run with the run image's environment (its allocator setting); SCALE_BENCH_IMAGE_ENV=0 leaves it out, to compare.
const IMAGE_ENVIRONMENT = process.env.SCALE_BENCH_IMAGE_ENV !== '0';
// SCALE_BENCH_PODS=pushed runs pods only for the resources the pushes change (the other Deployments have 0 replicas).
const PODS_ONLY_FOR_PUSHED = process.env.SCALE_BENCH_PODS === 'pushed';
// SCALE_BENCH_SERVICES=headless gives the Services no cluster IP: the API server allocates cluster IPs one at a time, at a
// cost growing with those already allocated, so 40,000 of them take most of two hours whoever applies them.
const HEADLESS_SERVICES = process.env.SCALE_BENCH_SERVICES === 'headless';
// On two shared cores (load 12–19) the first pass over 12,000 objects took over 30 minutes.
const TIMEOUT_MIN_PER_1000 = Number(process.env.SCALE_BENCH_TIMEOUT_MIN ?? 60);
// kwok's fake nodes take 110 pods each; every resource runs one pod in each of the 4 environments.
const PODS_PER_NODE = 100;
const log = (line: string) => console.error(`[cluster] ${line}`);
const progress = (line: string) => console.error(`[scale] ${line}`);

// The services run as `cascade` runs them: from the bundle when it is current (npm start and npm test build it), else from source.
const bundled = bundleIsFresh() || (await bundleCli().then(() => bundleIsFresh(), () => false));
// The aggregator serves ui/dist; on a fresh clone nothing has built it yet, and the dashboard step would find a 404
// only after the whole convergence.
if (DASHBOARD_LOADS > 0) await ensureUiBuilt();
if (SIZES.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`SCALE_BENCH_SIZES must list positive integers, got ${process.env.SCALE_BENCH_SIZES}`);
const gib = (bytes: number) => (bytes / 1024 ** 3).toFixed(1);
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${gib(totalmem())} GiB (${gib(freemem())} free), node ${process.version}, load average ${loadAverage()}`);
if (PODS_ONLY_FOR_PUSHED) console.log(`pods only for the ${PUSHES} pushed resources; the other Deployments have 0 replicas`);
if (HEADLESS_SERVICES) console.log('Services without a cluster IP (clusterIP: None)');
console.log(IMAGE_ENVIRONMENT ? `services with the run image's environment: ${Object.entries(runImageEnvironment()).map(([name, value]) => `${name}=${value}`).join(' ')}` : "services without the run image's environment (SCALE_BENCH_IMAGE_ENV=0)");
console.log(`services from ${bundled ? 'the bundle (cli/dist)' : 'source (tsx), as the bundle could not be built'}; pollInterval ${POLL}, ${PUSHES} pushes, idle ${IDLE_SECONDS} s, ${DASHBOARD_LOADS} dashboard loads; goals are for 10,000 × 4`);

// A private cluster per size: the benchmark must neither load nor be disturbed by the shared one tests use.
const clusterDir = join(tmpdir(), `cascade-scale-bench-${process.pid}`);
process.env.CASCADE_CLUSTER_DIR = clusterDir;
let stopping: Promise<void> | undefined;
const stopCluster = () =>
  (stopping ??= (async () => {
    await killAllServices();
    await stopLocalCluster(log).catch((error: unknown) => log(`stop failed: ${String(error)}`));
    await rm(clusterDir, { recursive: true, force: true });
  })());
// Interrupted (Ctrl-C, a CI timeout): stop the services and the private cluster before going.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopCluster().finally(() => process.exit(130)));

let failed = false;
try {
  for (const resources of SIZES) {
    process.env.CASCADE_CLUSTER_NODES = String(Math.ceil(((PODS_ONLY_FOR_PUSHED ? PUSHES : resources) * 4) / PODS_PER_NODE) + 1);
    const cluster = await startLocalCluster(log);
    const kubectl = localKubectlPath();
    if (kubectl === undefined) throw new Error('kubectl was not built with the local cluster (npm run cluster:build)');
    try {
      const result = await runScale({ resources, kubeconfig: cluster.kubeconfig, kubectl, pushes: PUSHES, idleSeconds: IDLE_SECONDS, pollInterval: POLL, dashboardLoads: DASHBOARD_LOADS, cpuProfileDir: CPU_PROFILE_DIR, heapSnapshotDir: HEAP_SNAPSHOT_DIR, imageEnvironment: IMAGE_ENVIRONMENT, kubectlApply: KUBECTL_APPLY, oneProcess: ONE_PROCESS, podsOnlyForPushed: PODS_ONLY_FOR_PUSHED, headlessServices: HEADLESS_SERVICES, timeoutMs: Math.max(1000, resources) * TIMEOUT_MIN_PER_1000 * 60, progress });
      console.log(`\n${formatScaleResult(result).join('\n')}`);
      failed ||= result.failure !== undefined;
    } finally {
      await killAllServices();
      await stopLocalCluster(log);
    }
  }
} finally {
  await stopCluster();
}
process.exit(failed ? 1 : 0);
