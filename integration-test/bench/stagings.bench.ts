// Stagings at a team's scale: N stagings of a 10-resource template (5 Deployments, 5 ConfigMaps) created at once
// through the API, measured from the first request to all N reported Running; then, with the N present, single tag
// updates measured to the moment every object of the staging's namespace carries the new version. The three services
// run as separate processes (the e2e stack) against a private local cluster.
// Run: npm run bench -- stagings
// Knobs: STAGINGS_BENCH_COUNT (100), STAGINGS_BENCH_CONCURRENCY requests at once (16), STAGINGS_BENCH_UPDATES (5),
// STAGINGS_BENCH_POLL repo.pollInterval (10s), STAGINGS_BENCH_TIMEOUT_MIN for all Running (30).
import { rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import type { DeployerStatus } from '@cascade/common';
import { startLocalCluster, stopLocalCluster } from '../../scripts/cluster/index.ts';
import { killAllServices } from '../e2e/harness.ts';
import { startStack, type Stack } from '../e2e/stack.ts';
import { callApi, stagingList } from '../e2e/stagings-api.ts';
import { childPid, loadAverage, treeCpuSeconds } from './process-sample.ts';

const COUNT = Number(process.env.STAGINGS_BENCH_COUNT ?? 100);
const CONCURRENCY = Number(process.env.STAGINGS_BENCH_CONCURRENCY ?? 16);
const UPDATES = Number(process.env.STAGINGS_BENCH_UPDATES ?? 5);
const POLL = process.env.STAGINGS_BENCH_POLL ?? '10s';
const TIMEOUT_MS = Number(process.env.STAGINGS_BENCH_TIMEOUT_MIN ?? 30) * 60_000;
/** Deployments in the template, and as many ConfigMaps. */
const PAIRS = 5;
/** How often the benchmark reads the deployer's and the aggregator's status while it waits for all Running. */
const STATUS_POLL_MS = 500;
const PODS_PER_NODE = 100;
const SERVICES = ['deployer', 'transitioner', 'aggregator'] as const;
const log = (line: string) => console.error(`[cluster] ${line}`);
const progress = (line: string) => console.error(`[stagings] ${line}`);

for (const [key, value] of Object.entries({ COUNT, CONCURRENCY, UPDATES })) {
  if (!Number.isInteger(value) || value <= 0) throw new Error(`STAGINGS_BENCH_${key} must be a positive integer, got ${value}`);
}

const id = `sb${Date.now().toString(36)}`;
const names = Array.from({ length: COUNT }, (_, i) => `s-${String(i + 1).padStart(3, '0')}`);
const namespaceOf = (name: string) => `${id}-${name}`;
const objectNames = Array.from({ length: PAIRS }, (_, i) => [`app-${i + 1}`, `config-${i + 1}`]).flat();

/** The template environment `bench` (deployed nowhere itself) and the kind `load` copying it. */
function benchFiles(): Record<string, string> {
  const files: Record<string, string> = {
    'stagings.yaml': `stagings:\n  load: { template: bench, target: local, namespace: "${id}-{name}", baseDomain: bench.example.com }\n`,
  };
  for (let i = 1; i <= PAIRS; i++) {
    files[`bench/base/app-${i}.yaml`] = `apiVersion: apps/v1
kind: Deployment
metadata: { name: app-${i} }
spec:
  replicas: 1
  selector: { matchLabels: { app: app-${i} } }
  template:
    metadata: { labels: { app: app-${i}, version: $version } }
    spec: { containers: [{ name: app, image: "registry.example.com/app-${i}:$version" }] }
`;
    files[`bench/base/config-${i}.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: config-${i} }\ndata: { version: $version }\n`;
    files[`bench/version/app-${i}.yaml`] = 'version: "0.0.0"\n';
    files[`bench/version/config-${i}.yaml`] = 'version: "0.0.0"\n';
  }
  return files;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.max(0, Math.ceil((p / 100) * values.length) - 1))] ?? NaN;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const spread = (values: number[]) => `p50 ${seconds(percentile(values, 50))}, p95 ${seconds(percentile(values, 95))}, max ${seconds(Math.max(...values))}`;

/** Runs `work` for every item, at most `limit` at once. */
async function eachBounded<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

/** How many stagings the deployer's own status reports at all and Running, and how many the aggregator's list shows Running. */
async function runningCounts(stack: Stack): Promise<{ reported: number; deployer: number; aggregator: number }> {
  const [status, list] = await Promise.all([
    fetch(`${stack.services.deployer.url}/status`).then((r) => r.json() as Promise<DeployerStatus>),
    stagingList(stack),
  ]);
  const running = (phases: Array<string | undefined>) => phases.filter((phase) => phase === 'Running').length;
  const ours = (status.stagings ?? []).filter((s) => s.kind === 'load');
  return { reported: ours.length, deployer: running(ours.map((s) => s.phase)), aggregator: running(list.stagings.map((s) => s.phase)) };
}

/** (a) Creates every staging, CONCURRENCY requests at once, and times the acknowledgements and all Running. */
async function createAll(stack: Stack): Promise<string[]> {
  const pids = Object.fromEntries(SERVICES.map((s) => [s, childPid(process.pid, stack.services[s].configFile)])) as Record<(typeof SERVICES)[number], number>;
  const cpuBefore = SERVICES.map((s) => treeCpuSeconds(pids[s]));
  const requests: number[] = [];
  const started = performance.now();
  let acknowledged = 0;
  await eachBounded(names, CONCURRENCY, async (name) => {
    const sent = performance.now();
    const answer = await callApi(stack, 'ci', 'POST', '/stagings', { name, kind: 'load', tag: '1.0.0' });
    if (answer.status !== 201) throw new Error(`creating ${name} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    requests.push(performance.now() - sent);
    if (++acknowledged % 25 === 0) progress(`${acknowledged}/${COUNT} acknowledged`);
  });
  const allAcknowledged = performance.now() - started;
  const reached: { reported?: number; deployer?: number; aggregator?: number; deployerHalf?: number } = {};
  let last = { reported: 0, deployer: 0, aggregator: 0 };
  let lastProgress = 0;
  while (reached.deployer === undefined || reached.aggregator === undefined) {
    if (performance.now() - started > TIMEOUT_MS) throw new Error(`not all ${COUNT} stagings Running after ${TIMEOUT_MS / 60_000} min: deployer ${last.deployer}, aggregator ${last.aggregator}`);
    last = await runningCounts(stack);
    const now = performance.now() - started;
    if (reached.reported === undefined && last.reported === COUNT) reached.reported = now;
    if (reached.deployerHalf === undefined && last.deployer >= COUNT / 2) reached.deployerHalf = now;
    if (reached.deployer === undefined && last.deployer === COUNT) reached.deployer = now;
    if (reached.aggregator === undefined && last.aggregator === COUNT) reached.aggregator = now;
    if (now - lastProgress > 10_000) {
      progress(`${seconds(now)}: reported by the deployer ${last.reported}, Running per deployer ${last.deployer}, per aggregator ${last.aggregator}`);
      lastProgress = now;
    }
    await sleep(STATUS_POLL_MS);
  }
  const cpu = SERVICES.map((s, i) => `${s} ${(treeCpuSeconds(pids[s]) - cpuBefore[i]!).toFixed(1)} s`);
  return [
    `create ${COUNT} (POST /api/v1/stagings, ${Math.min(CONCURRENCY, COUNT)} at once): all acknowledged after ${seconds(allAcknowledged)}; each request ${spread(requests)}`,
    `first request → all ${COUNT} in the deployer's GET /status (any phase): ${seconds(reached.reported!)}`,
    `first request → all ${COUNT} Running: deployer GET /status ${seconds(reached.deployer!)} (half after ${seconds(reached.deployerHalf!)}), aggregator GET /api/v1/stagings ${seconds(reached.aggregator!)}`,
    `  service CPU from the first request to all Running: ${cpu.join(', ')}`,
  ];
}

/** Resolves with the time every template object in `namespace` first carried `tag` in its version annotation (a watch). */
async function versionSeen(kc: KubeConfig, namespace: string, tag: string): Promise<{ seen: Promise<number>; stop: () => void }> {
  const versions = new Map<string, string | undefined>();
  let resolve: (at: number) => void = () => {};
  const seen = new Promise<number>((r) => (resolve = r));
  const onEvent = (_phase: string, object: { metadata?: { name?: string; annotations?: Record<string, string> } }) => {
    versions.set(object.metadata?.name ?? '', object.metadata?.annotations?.['cascade.dev/version']);
    if (objectNames.every((name) => versions.get(name) === tag)) resolve(performance.now());
  };
  const controllers = await Promise.all([`/apis/apps/v1/namespaces/${namespace}/deployments`, `/api/v1/namespaces/${namespace}/configmaps`].map((path) => new Watch(kc).watch(path, {}, onEvent, () => {})));
  return { seen, stop: () => controllers.forEach((c) => c.abort()) };
}

/** (b) With every staging present, updates one staging's tag at a time and times its objects and its Running report. */
async function updateOneAtATime(stack: Stack, kc: KubeConfig): Promise<string[]> {
  const acknowledged: number[] = [];
  const objects: number[] = [];
  const running: number[] = [];
  for (let round = 1; round <= UPDATES; round++) {
    // A different staging each round, spread over the list.
    const name = names[Math.floor(((round - 1) * COUNT) / UPDATES)]!;
    const tag = `1.0.${round}`;
    const watch = await versionSeen(kc, namespaceOf(name), tag);
    try {
      const sent = performance.now();
      const answer = await callApi(stack, 'ci', 'PATCH', `/stagings/${name}`, { tag });
      if (answer.status !== 201) throw new Error(`updating ${name} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      acknowledged.push(performance.now() - sent);
      const timeout = sleep(TIMEOUT_MS).then(() => Promise.reject(new Error(`${name}'s objects never carried ${tag}`)));
      objects.push((await Promise.race([watch.seen, timeout])) - sent);
      // The next update starts once the deployer reports this one rolled out.
      for (;;) {
        const status = (await (await fetch(`${stack.services.deployer.url}/status`)).json()) as DeployerStatus;
        const staging = status.stagings?.find((s) => s.name === name);
        if (staging?.phase === 'Running' && staging.tag === tag && staging.resources.every((r) => r.liveVersion === undefined || r.liveVersion === tag)) break;
        if (performance.now() - sent > TIMEOUT_MS) throw new Error(`${name} never reported Running at ${tag}`);
        await sleep(100);
      }
      running.push(performance.now() - sent);
      progress(`update ${round}/${UPDATES} (${name}): objects after ${seconds(objects.at(-1)!)}`);
    } finally {
      watch.stop();
    }
  }
  const line = (what: string, values: number[]) => `  request → ${what.padEnd(44)} ${spread(values)}`;
  return [
    `update one staging's tag (PATCH /api/v1/stagings/NAME), ${UPDATES} times with ${COUNT} stagings present:`,
    line('acknowledged', acknowledged),
    line(`all ${objectNames.length} objects carry the new version`, objects),
    line('the deployer reports it Running at the tag', running),
  ];
}

/** Deletes every namespace of the run (the stagings'); the services are stopped by then, so none comes back. */
async function deleteStagingNamespaces(kc: KubeConfig): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const all = await core.listNamespace();
  await Promise.all(all.items.map((n) => n.metadata?.name ?? '').filter((name) => name.startsWith(`${id}-`)).map((name) => core.deleteNamespace({ name }).catch(() => undefined)));
}

// A private cluster with room for every pod: the benchmark must neither load nor be disturbed by the shared one.
const clusterDir = join(tmpdir(), `cascade-stagings-bench-${process.pid}`);
process.env.CASCADE_CLUSTER_DIR = clusterDir;
process.env.CASCADE_CLUSTER_NODES = String(Math.ceil((COUNT * PAIRS) / PODS_PER_NODE) + 1);
let failed = false;
const cluster = await startLocalCluster(log);
try {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), node ${process.version}; load average ${loadAverage()} at start`);
  console.log(`${COUNT} stagings × ${objectNames.length} resources (${PAIRS} Deployments of 1 replica, ${PAIRS} ConfigMaps): ${COUNT * objectNames.length} objects, ${COUNT * PAIRS} pods on ${process.env.CASCADE_CLUSTER_NODES} kwok nodes; pollInterval ${POLL}; status read every ${STATUS_POLL_MS} ms`);
  const stack = await startStack({ kubeconfig: cluster.kubeconfig, prefix: 'bench-stg', pollInterval: POLL, logLevel: 'warn', files: benchFiles() });
  stack.afterStop(() => deleteStagingNamespaces(kc));
  try {
    for (const line of await createAll(stack)) console.log(line);
    for (const line of await updateOneAtATime(stack, kc)) console.log(line);
  } catch (error) {
    failed = true;
    console.error(`benchmark stopped: ${(error as Error).message}\nservice logs:\n${await stack.logs()}`);
  } finally {
    await stack.stop();
  }
  console.log(`load average ${loadAverage()} at end`);
} finally {
  await killAllServices();
  await stopLocalCluster(log);
  await rm(clusterDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
