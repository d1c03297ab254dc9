// What a deployer pass costs at a team's size: the real service (from a config file) deploying one environment of
// N generated resources (a Deployment with 0 replicas, a Service and a ConfigMap each) to the local control plane.
// Per size it prints the first pass (cold apply), a pass after a commit that changes one resource's version file, and
// a pass with nothing new, each as wall time and the CPU this process and its git children spent; then that the
// changed ConfigMap carries the new version. Run: npm run bench -- pass-cost (PASS_BENCH_SIZES=1000,
// PASS_BENCH_CHANGES=20; PASS_BENCH_PROFILE=DIR writes a CPU profile of the passes after the cold one per size,
// PASS_BENCH_HEAP=DIR heap snapshots before the service starts and after its passes, to compare in DevTools). The memory line is this process after a full garbage collection, before
// the service started and after its passes: the difference is what the deployer keeps for the environment.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { Session } from 'node:inspector/promises';
import { writeHeapSnapshot } from 'node:v8';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import type { DeployerStatus } from '@cascade/common';
import { loadConfig } from '@cascade/common/config';
import { openRepo } from '@cascade/common/git';
import { silentLogger } from '@cascade/common/service';
import { benchVersionFile, generateBenchRepo } from '@cascade/common/bench';
import { measured, type Measured } from '@cascade/common/bench/cpu';
import { startDeployer } from '../src/service/run.ts';
import { benchCluster, median, percentile } from './cluster.ts';

const SIZES = (process.env.PASS_BENCH_SIZES ?? '1000').split(',').map(Number);
const CHANGES = Number(process.env.PASS_BENCH_CHANGES ?? 20);
const PROFILE_DIR = process.env.PASS_BENCH_PROFILE;
const HEAP_DIR = process.env.PASS_BENCH_HEAP;
const ms = (n: number) => `${n.toFixed(0).padStart(6)} ms`;

function summary(label: string, runs: Measured[]): string {
  const walls = runs.map((r) => r.wallMs);
  return `${label.padEnd(28)} wall p50 ${ms(median(walls))}  p95 ${ms(percentile(walls, 95))}  CPU p50 ${ms(median(runs.map((r) => r.cpuMs)))}`;
}

async function measureSize(size: number, cluster: Awaited<ReturnType<typeof benchCluster>>): Promise<void> {
  const namespace = await cluster.namespace(`pass-cost-${size}`);
  const repo = generateBenchRepo({ resources: size, envs: ['dev'], shape: 'app', replicas: 0, namespace: () => namespace });
  const dir = await mkdtemp(join(tmpdir(), 'cascade-bench-pass-'));
  const config = join(dir, 'cascade.yaml');
  // A poll interval longer than the benchmark: every pass is one the benchmark asked for. The transitioner URL
  // points at a closed port: this benchmark must not poke a transitioner someone else runs.
  await writeFile(config, `repo: { url: ${repo.remote}, branch: ${repo.branch}, pollInterval: 1h }\ndataDir: ${join(dir, 'data')}\ntargets:\n  local: { type: kubernetes, kubeconfig: ${cluster.kubeconfig} }\ndeployer: { listen: 127.0.0.1:0, transitioner: http://127.0.0.1:9 }\nlog: { level: error }\n`);
  const ci = await openRepo({ url: repo.remote, branch: repo.branch, dir: join(dir, 'ci.git') });
  const core = cluster.kc.makeApiClient(CoreV1Api);
  let service: Awaited<ReturnType<typeof startDeployer>> | undefined;
  // `?wait=true` answers once the pass the request started has run.
  const refresh = () => fetch(`${service!.url}/refresh?wait=true`, { method: 'POST' }).then((r) => r.arrayBuffer());
  try {
    const before = memoryAfterGc();
    if (HEAP_DIR !== undefined) console.log(`heap snapshot: ${writeHeapSnapshot(join(HEAP_DIR, `pass-cost-${size}-before.heapsnapshot`))}`);
    // The service starts its first pass on its own; at 10,000 resources it outlasts an HTTP request's header timeout.
    const cold = await measured(async () => {
      service = await startDeployer(await loadConfig(config), { logger: silentLogger });
      await firstPassEnded(service.url, repo.head);
    });
    const profiler = PROFILE_DIR === undefined ? undefined : await startProfile();
    const idle: Measured[] = [];
    const changed: Measured[] = [];
    let missing = 0;
    for (let i = 1; i <= CHANGES; i++) {
      const resource = repo.resources[(i * 7919) % size]!;
      await ci.write(() => ({ changes: { [`dev/version/${resource}.yaml`]: benchVersionFile(resource, 100 + i, 0) }, message: `Version ${resource}` }));
      // The commit is on the remote → the deployer is told (as the aggregator or a webhook tells it) → its pass ended.
      changed.push(await measured(refresh));
      const object = await core.readNamespacedConfigMap({ name: resource.replace('/', '-'), namespace });
      if (object.data?.['VERSION'] !== `1.1.${i}`) missing++;
      idle.push(await measured(refresh));
    }
    if (profiler !== undefined) console.log(`CPU profile: ${await profiler.stop(join(PROFILE_DIR!, `pass-cost-${size}.cpuprofile`))}`);
    const after = memoryAfterGc();
    if (HEAP_DIR !== undefined) console.log(`heap snapshot: ${writeHeapSnapshot(join(HEAP_DIR, `pass-cost-${size}-after.heapsnapshot`))}`);
    console.log(`${size} resources (${size * 3} objects) in one environment; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.log(`first pass (cold apply)      wall ${ms(cold.wallMs)}  CPU ${ms(cold.cpuMs)}`);
    console.log(summary('one resource changed', changed));
    console.log(summary('nothing changed', idle));
    console.log(`memory after GC               heap used ${mib(before.heap)} → ${mib(after.heap)} MiB (of ${mib(before.heapTotal)} → ${mib(after.heapTotal)}), external ${mib(before.external)} → ${mib(after.external)} MiB, RSS ${mib(before.rss)} → ${mib(after.rss)} MiB (before the service → after its passes)`);
    console.log(`changed ConfigMaps without their new version after the pass: ${missing} of ${CHANGES}`);
  } finally {
    await service?.stop();
    await ci.close();
    repo.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
}

/** This process's memory after a full garbage collection (the runner passes --expose-gc). */
function memoryAfterGc(): { heap: number; heapTotal: number; external: number; rss: number } {
  for (let i = 0; i < 3; i++) globalThis.gc?.();
  const { heapUsed, heapTotal, external, rss } = process.memoryUsage();
  return { heap: heapUsed, heapTotal, external, rss };
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

/** Waits until the deployer reports the environment deployed from `commit`. */
async function firstPassEnded(url: string, commit: string): Promise<void> {
  for (;;) {
    const status = (await (await fetch(`${url}/status`)).json()) as DeployerStatus;
    if (status.environments.some((env) => env.commit === commit)) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Starts this process's CPU profiler; `stop` writes the profile to `file` and returns its path. */
async function startProfile(): Promise<{ stop(file: string): Promise<string> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      await writeFile(file, JSON.stringify(profile));
      return file;
    },
  };
}

const cluster = await benchCluster();
try {
  console.log(`machine: ${cpus().length} cores, node ${process.version}; ${CHANGES} changes per size`);
  for (const size of SIZES) await measureSize(size, cluster);
} finally {
  await cluster.cleanup();
}
process.exit(0);
