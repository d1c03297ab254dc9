// One size of the scale benchmark on a running private cluster: generate the repo, start the services, measure
// convergence, idle CPU, memory, pushes and the dashboard, then kubectl's apply of the same files.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { DeployerStatus } from '@cascade/common';
import type { ServiceName } from '../e2e/harness.ts';
import { waitUntil } from '../setup/wait.ts';
import { loadAverage, memoryOf, memoryWithHelper, treeCpuSeconds, type Memory } from './process-sample.ts';
import { timeDashboard, type DashboardTimes } from './scale-dashboard.ts';
import { apiServerMetrics, applyTotals, applyTotalsDelta, backgroundWork, backgroundWorkDelta, heapGauges, type ApplyTotals, type BackgroundWork, type HeapGauges } from './scale-metrics.ts';
import { measureOneProcess, type OneProcessResult } from './scale-one-process.ts';
import { pushRound, type PushRound } from './scale-pushes.ts';
import { generateScaleRepo, OBJECTS_PER_RESOURCE, SCALE_ENVS, writeRenderedFiles } from './scale-repo.ts';
import { SERVICES, startScaleStack, type ScaleStack, type ScaleStackOptions } from './scale-stack.ts';
import { watchCluster, watchRemote } from './scale-watch.ts';

/** Knobs of one run. */
export interface ScaleRunOptions {
  resources: number;
  kubeconfig: string;
  kubectl: string;
  pushes: number;
  idleSeconds: number;
  pollInterval: string;
  dashboardLoads: number;
  /** Whether to time `kubectl apply --server-side` of the same files afterwards (the side-by-side of first convergence). */
  kubectlApply: boolean;
  /**
   * Node options of each `cascade up` to start on the same repo afterwards, one after the other, sampling its memory (one
   * process for all three): `[[]]` one with the usual options, `[]` none; more compare V8 memory settings side by side.
   */
  oneProcess: ReadonlyArray<readonly string[]>;
  /** Where the services write V8 CPU profiles when they stop; none when absent. */
  cpuProfileDir?: string;
  /** Where the services write heap snapshots once the pushes are done; none when absent. */
  heapSnapshotDir?: string;
  /** Whether the services run with the run image's environment (the Dockerfile's ENV), as in a pod. */
  imageEnvironment: boolean;
  /**
   * Only the pushed resources' Deployments run a pod (the others 0 replicas), so a 10,000 × 4 run does not wait
   * hours for 40,000 pods on a small machine; every Deployment still has its ReplicaSet and rollout status.
   */
  podsOnlyForPushed?: boolean;
  /** Services without a cluster IP (see BenchRepoOptions.headlessServices), so that 10,000 × 4 converges in minutes rather than hours. */
  headlessServices?: boolean;
  /** Longest wait for convergence, readiness and a Clean cluster. */
  timeoutMs: number;
  /** Called with each finished step, so a run that fails later still shows what it measured. */
  progress(line: string): void;
}

/** Everything one size measured; a step that did not happen is absent, and `failure` says where the run ended. */
export interface ScaleResult {
  resources: number;
  objects: number;
  /** Pods the Deployments run in all (SCALE_BENCH_PODS=pushed: only the pushed resources'). */
  pods: number;
  loadAtStart: string;
  loadAtEnd?: string;
  generateMs?: number;
  /** Services started → every object of every environment seen in the API server. */
  convergenceMs?: number;
  /** Services started → the last object of each environment seen, in SCALE_ENVS order: where the convergence went. */
  convergedPerEnvMs?: Array<number | undefined>;
  /** Services started → all three answered /readyz (the deployer's first pass done). */
  readyMs?: number;
  /** Every environment Clean → the deployer's status stopped changing (the idle minute starts then); undefined: it did not within the bound. */
  settledMs?: number;
  /** Services started → the deployer reports every environment Clean (the cluster's controllers set the pace). */
  cleanMs?: number;
  kubectlMs?: number;
  /** The API server's time on the services' applies up to convergence (the cluster is fresh per size), per resource type. */
  convergenceApplies?: ApplyTotals;
  /** The API server's time on kubectl's applies of the same files. */
  kubectlApplies?: ApplyTotals;
  idleCpuPerMinute?: Record<ServiceName, number>;
  /** The highest resident memory of each service seen during the idle stretch (sampled every second), in MiB: a full reconcile's peak. */
  idlePeakRssMiB?: Record<ServiceName, number>;
  /** Each whole minute of the idle stretch: CPU seconds of all three services and of the deployer, and whether a full reconcile began in it. */
  idleMinutes?: IdleMinute[];
  /** The deployer's full reconciles and watch lists during the idle stretch: work that is not idleness. */
  idleBackground?: BackgroundWork;
  memoryConverged?: Record<ServiceName, Memory>;
  memoryAfterPushes?: Record<ServiceName, Memory>;
  /** Each service's V8 heap once the pushes are done: resident memory beyond it is not JavaScript objects. */
  heapAfterPushes?: Record<ServiceName, HeapGauges>;
  rounds: PushRound[];
  dashboard?: DashboardTimes;
  /** The same repo served by `cascade up` after the three processes stopped, once per OneProcess option. */
  oneProcess: OneProcessResult[];
  /** Warnings and errors the services logged, counted by message. */
  logProblems: string[];
  failure?: string;
}

/** Microseconds on the monotonic clock, the one V8's CPU profiles time their samples with. */
const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs every step for one size; never throws for a failed step, it records it in `failure` and cleans up. */
export async function runScale(options: ScaleRunOptions): Promise<ScaleResult> {
  const n = options.resources;
  const pushed = Array.from({ length: options.pushes }, (_, i) => pushedIndex(i, n));
  const podsPerEnv = options.podsOnlyForPushed === true ? new Set(pushed).size : n;
  const result: ScaleResult = { resources: n, objects: n * OBJECTS_PER_RESOURCE * SCALE_ENVS.length, pods: podsPerEnv * SCALE_ENVS.length, loadAtStart: loadAverage(), rounds: [], oneProcess: [], logProblems: [] };
  const longMs = options.timeoutMs;
  const kc = new KubeConfig();
  kc.loadFromFile(options.kubeconfig);
  const dir = await mkdtemp(join(tmpdir(), 'cascade-scale-bench-'));
  const startedAt = performance.now();
  const cleanups: Array<() => unknown> = [() => rm(dir, { recursive: true, force: true })];
  const step = (line: string) => options.progress(`[${n}] ${line} (load ${loadAverage()})`);
  // Where a run that ends early got to: objects seen per environment.
  let progressOf: (() => string) | undefined;
  let convergedYet = false;
  try {
    let started = performance.now();
    const scale = generateScaleRepo(n, `scale${n}-${Date.now().toString(36)}`, options.podsOnlyForPushed === true ? new Set(pushed) : undefined, options.headlessServices === true);
    cleanups.push(() => scale.repo.cleanup());
    result.generateMs = performance.now() - started;
    step(`generated ${scale.repo.fileCount} files in ${(result.generateMs / 1000).toFixed(1)} s`);
    const cluster = await watchCluster(kc);
    cleanups.push(() => cluster.stop());
    const remote = watchRemote(scale.repo.remote, scale.repo.branch);
    cleanups.push(() => remote.stop());
    const core = kc.makeApiClient(CoreV1Api);
    const namespaces = Object.values(scale.namespaces);
    cleanups.push(() => Promise.all(namespaces.map((name) => core.deleteNamespace({ name }).catch(() => {}))));

    // 1. First convergence: from spawning the services to every object of the four environments in the API server.
    started = performance.now();
    const stackOptions: ScaleStackOptions = { remote: scale.repo.remote, branch: scale.repo.branch, kubeconfig: options.kubeconfig, dir, pollInterval: options.pollInterval, readyTimeoutMs: longMs, cpuProfileDir: options.cpuProfileDir, heapSnapshotDir: options.heapSnapshotDir, imageEnvironment: options.imageEnvironment };
    const stack = await startScaleStack(stackOptions);
    cleanups.push(() => stack.stop());
    const names = new Set(scale.objectNames);
    const inNamespaces = new Set(namespaces);
    progressOf = () => cluster.countIn(namespaces, names).map((count, i) => `${SCALE_ENVS[i]} ${count}`).join(', ');
    // A service that exits ends the wait at once (waitUntil would take a thrown error as "not yet").
    const converged = await waitUntil('every object applied', async () => (SERVICES.every((name) => stack.services[name].running) ? cluster.completeAt(inNamespaces, names, result.objects) : -1), {
      timeoutMs: longMs,
      intervalMs: 250,
    });
    if (converged < 0) throw new Error('a service exited before every object was applied');
    convergedYet = true;
    result.convergenceMs = converged - started;
    result.convergedPerEnvMs = cluster.lastSeenIn(namespaces, names).map((at) => (at === undefined ? undefined : at - started));
    step(`converged: ${result.objects} objects in ${(result.convergenceMs / 1000).toFixed(1)} s`);
    const metrics = () => apiServerMetrics(options.kubectl, options.kubeconfig);
    result.convergenceApplies = applyTotals(await metrics());
    await stack.ready;
    result.readyMs = performance.now() - started;
    const everyEnvironmentClean = (deployerUrl: string) =>
      waitUntil('every environment Clean', async () => {
        const status = (await (await fetch(`${deployerUrl}/status`)).json()) as DeployerStatus;
        return status.environments.length === SCALE_ENVS.length && status.environments.every((env) => env.state === 'Clean') ? true : undefined;
      }, { timeoutMs: longMs, intervalMs: 2000 });
    await everyEnvironmentClean(stack.urls.deployer);
    result.cleanMs = performance.now() - started;
    step(`every environment Clean after ${(result.cleanMs / 1000).toFixed(1)} s`);

    // Clean is not yet idle: the cluster's controllers go on updating the objects' status for a while, and the
    // deployer reports what they do. Idle starts once its status stayed the same for a while (or after a bound).
    result.settledMs = await settled(stack.services.deployer.url, SETTLED_FOR_MS, Math.max(SETTLED_FOR_MS, longMs / 20));
    step(result.settledMs === undefined ? 'the status still changed when the idle minute began' : `the status stayed the same for ${SETTLED_FOR_MS / 1000} s after ${(result.settledMs / 1000).toFixed(1)} s`);

    // 5. Memory once converged, then 4. CPU over an idle stretch (nothing pushed, everything rolled out).
    const memory = () => Object.fromEntries(SERVICES.map((name) => [name, memoryWithHelper(stack.pids[name])])) as Record<ServiceName, Memory>;
    result.memoryConverged = memory();
    const cpuBefore = SERVICES.map((name) => treeCpuSeconds(stack.pids[name]));
    const idleWorkBefore = backgroundWork(await stack.metrics('deployer'));
    const idleFrom = monotonicMicros();
    const idle = await idleStretch(stack, options.idleSeconds * 1000);
    result.idlePeakRssMiB = idle.peakRssMiB;
    result.idleMinutes = idle.minutes;
    const idleTo = monotonicMicros();
    result.idleBackground = backgroundWorkDelta(idleWorkBefore, backgroundWork(await stack.metrics('deployer')));
    result.idleCpuPerMinute = Object.fromEntries(SERVICES.map((name, i) => [name, ((treeCpuSeconds(stack.pids[name]) - cpuBefore[i]!) * 60) / options.idleSeconds])) as Record<ServiceName, number>;
    // The services' profiles cover the whole run; the idle minute is cut out of them by this window (scripts/profile/window.ts).
    const profiles = options.cpuProfileDir;
    if (profiles !== undefined) await mkdir(profiles, { recursive: true }).then(() => writeFile(join(profiles, 'idle-window.json'), JSON.stringify({ from: idleFrom, to: idleTo })));
    step(`idle CPU measured over ${options.idleSeconds} s`);

    // 2. and 3. Pushes, each followed to dev and on to pp, spread over the resources.
    const roundContext = { cluster, remote, namespaces: scale.namespaces, apiServerMetrics: metrics, stepTimeoutMs: Math.max(300_000, longMs / 10) };
    const pushesFrom = monotonicMicros();
    for (let i = 0; i < options.pushes; i++) {
      const resource = scale.repo.resources[pushed[i]!]!;
      const round = await pushRound({ stack, ...roundContext }, resource, `2.0.${i}`);
      result.rounds.push(round);
      step(`push ${i + 1}/${options.pushes} ${resource}: → dev ${round.toDev.toFixed(0)} ms, dev rolled out → pp ${round.devToPp.toFixed(0)} ms`);
    }
    if (profiles !== undefined) await writeFile(join(profiles, 'pushes-window.json'), JSON.stringify({ from: pushesFrom, to: monotonicMicros() }));
    result.memoryAfterPushes = memory();
    result.heapAfterPushes = Object.fromEntries(await Promise.all(SERVICES.map(async (name) => [name, heapGauges(await stack.metrics(name))] as const))) as Record<ServiceName, HeapGauges>;
    if (options.heapSnapshotDir !== undefined) {
      await mkdir(options.heapSnapshotDir, { recursive: true });
      step(`heap snapshots after the pushes: ${(await stack.writeHeapSnapshots()).join(', ')}`);
    }

    // 6. The dashboard of the running aggregator.
    result.dashboard = await timeDashboard(stack.services.aggregator.url, stack.tokens.viewer, n, options.dashboardLoads, Math.max(120_000, longMs / 10));
    step('dashboard timed');
    await stack.stop();

    // 5b. The same repo and objects served by `cascade up`: the memory of all three in one process, as the goal states it.
    for (const [run, nodeArgs] of options.oneProcess.entries()) {
      const one: OneProcessResult = { nodeArgs, rounds: [] };
      result.oneProcess.push(one);
      const pushes = pushed.slice(0, ONE_PROCESS_PUSHES).map((index, i) => ({ resource: scale.repo.resources[index]!, version: `${3 + run}.0.${i}` }));
      const quiet = (url: string) => settled(url, SETTLED_FOR_MS, Math.max(SETTLED_FOR_MS, longMs / 20));
      const window = profiles === undefined ? undefined : (name: string, from: number, to: number) => writeFile(join(profiles, `${name}-window.json`), JSON.stringify({ from, to }));
      await measureOneProcess({ ...roundContext, stackOptions, pushes, everyEnvironmentClean, settled: quiet, step, window }, one);
    }

    // 1b. kubectl's server-side apply of the same rendered files into fresh namespaces, one environment after another as the deployer does.
    if (!options.kubectlApply) return result;
    const files = join(dir, 'rendered');
    writeRenderedFiles(scale.repo, files, options.headlessServices === true);
    let kubectlMs = 0;
    const kubectlFrom = applyTotals(await metrics());
    for (const env of SCALE_ENVS) {
      const name = `${scale.namespaces[env]}-kubectl`;
      await core.createNamespace({ body: { metadata: { name } } });
      cleanups.push(() => core.deleteNamespace({ name }).catch(() => {}));
      started = performance.now();
      await promisify(execFile)(options.kubectl, ['--kubeconfig', options.kubeconfig, 'apply', '--server-side', '--field-manager', 'kubectl-bench', '-n', name, '-f', files], { maxBuffer: 256 * 1024 * 1024 });
      kubectlMs += performance.now() - started;
    }
    result.kubectlMs = kubectlMs;
    result.kubectlApplies = applyTotalsDelta(kubectlFrom, applyTotals(await metrics()));
    step(`kubectl applied the same files in ${(kubectlMs / 1000).toFixed(1)} s`);
  } catch (error) {
    result.failure = error instanceof Error ? error.message : String(error);
    if (progressOf && !convergedYet) result.failure += ` after ${((performance.now() - startedAt) / 60_000).toFixed(1)} min; objects seen: ${progressOf()} of ${n * OBJECTS_PER_RESOURCE} each`;
    step(`stopped: ${result.failure}`);
    const logs = result.oneProcess.length === 0 ? SERVICES : [...SERVICES, 'up'];
    await Promise.all(logs.map(async (name) => options.progress(`--- ${name} log (last lines):\n${await tailOf(join(dir, `${name}.log`))}`)));
  } finally {
    result.loadAtEnd = loadAverage();
    result.logProblems = await logProblems(dir);
    for (const cleanup of cleanups.reverse()) await Promise.resolve().then(cleanup).catch(() => {});
  }
  return result;
}

/** The resource the `i`th push changes: spread over the repo by a prime stride. */
function pushedIndex(i: number, resources: number): number {
  return (i * 7919) % resources;
}

/** Pushes made through `cascade up` (at most as many as the run's): enough for its memory after pushes, not a latency sample. */
const ONE_PROCESS_PUSHES = 5;

/** How long the deployer's status must stay the same before the idle minute starts. */
const SETTLED_FOR_MS = 30_000;

/** Over `ms`: the highest VmRSS of each process, read every second, and the CPU of every whole minute. */
async function idleStretch(stack: ScaleStack, ms: number): Promise<{ peakRssMiB: Record<ServiceName, number>; minutes: IdleMinute[] }> {
  const { pids } = stack;
  const peak = Object.fromEntries(SERVICES.map((name) => [name, 0])) as Record<ServiceName, number>;
  const minutes: IdleMinute[] = [];
  const started = performance.now();
  const until = started + ms;
  // At each whole minute: every service's CPU so far and the deployer's reconcile rounds and watch lists, to tell the minutes apart.
  const reading = async () => ({ cpu: SERVICES.map((name) => treeCpuSeconds(pids[name])), ...backgroundWork(await stack.metrics('deployer')) });
  let last = await reading();
  for (;;) {
    for (const name of SERVICES) peak[name] = Math.max(peak[name], memoryOf(pids[name]).rssMiB);
    const now = performance.now();
    if (now - started >= (minutes.length + 1) * 60_000) {
      const next = await reading();
      const spent = next.cpu.map((seconds, i) => seconds - last.cpu[i]!);
      minutes.push({ cpuSeconds: spent.reduce((sum, x) => sum + x, 0), deployerCpuSeconds: spent[SERVICES.indexOf('deployer')]!, reconcile: next.fullReconciles > last.fullReconciles, lists: next.watchLists - last.watchLists });
      last = next;
    }
    const left = until - performance.now();
    if (left <= 0) return { peakRssMiB: peak, minutes };
    await sleep(Math.min(1000, left));
  }
}

/** One minute of the idle stretch. */
export interface IdleMinute {
  cpuSeconds: number;
  deployerCpuSeconds: number;
  /** A round of the full reconcile began in this minute. */
  reconcile: boolean;
  /** Lists the deployer's watches took in this minute (the reconcile's, one watch at a time, and any after a failure). */
  lists: number;
}

/** Ms until the deployer's status stayed the same (`304` to its entity tag) for `quietMs`; undefined after `maxMs`. */
async function settled(deployerUrl: string, quietMs: number, maxMs: number): Promise<number | undefined> {
  const started = performance.now();
  let etag: string | null = null;
  let sameSince = started;
  while (performance.now() - started < maxMs) {
    const response = await fetch(`${deployerUrl}/status`, { headers: etag === null ? {} : { 'if-none-match': etag } });
    await response.arrayBuffer();
    if (response.status !== 304) {
      etag = response.headers.get('etag');
      sameSince = performance.now();
    } else if (performance.now() - sameSince >= quietMs) return sameSince - started;
    await sleep(1000);
  }
  return undefined;
}

/** `service level: message ×count` for every warning and error in the service logs, most frequent first. */
async function logProblems(dir: string): Promise<string[]> {
  const counts = new Map<string, number>();
  for (const name of [...SERVICES, 'up']) {
    for (const line of (await readFile(join(dir, `${name}.log`), 'utf8').catch(() => '')).split('\n')) {
      if (!line.startsWith('{')) continue;
      let entry: { level?: string; msg?: string; error?: { message?: string } };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue;
      }
      if (entry.level !== 'warn' && entry.level !== 'error') continue;
      const key = `${name} ${entry.level}: ${entry.msg}${entry.error?.message ? ` (${entry.error.message.slice(0, 160)})` : ''}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return [...counts].sort((a, b) => b[1] - a[1]).map(([key, count]) => `${key} ×${count}`);
}

/** The end of a service log, for the report of a failed run. */
async function tailOf(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  // Request lines (the aggregator polls /status every few seconds) would hide what the service itself said.
  return text.split('\n').filter((line) => !line.includes('"msg":"request"')).slice(-15).join('\n');
}
