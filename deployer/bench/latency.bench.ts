// Latency from a commit landing on the remote to the changed object in the API server: with `POST /refresh` (what
// a git host's webhook or the aggregator sends) and with polling only. The deployer runs as the real service from
// a config; the cluster is a private local control plane, started for this run and stopped at its end.
// Run: npm run bench -- deployer/bench/latency
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import { loadConfig } from '@cascade/common/config';
import { openRepo } from '@cascade/common/git';
import { silentLogger } from '@cascade/common/service';
import { createFixture } from '@cascade/git-fixture';
import { startLocalCluster, stopLocalCluster } from '../../scripts/cluster/index.ts';
import { startDeployer } from '../src/service/run.ts';
import { percentile } from './cluster.ts';

const CHANGES = 50;

// A private cluster: stopping it at the end must not stop a cluster someone else is using.
process.env['CASCADE_CLUSTER_DIR'] ??= join(tmpdir(), `cascade-bench-cluster-${process.pid}`);

const settings = (value: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { change: "${value}" }\n`;

/** Resolves with the time a ConfigMap `settings` carrying `data.change` is seen through a watch. */
class ChangeWatcher {
  private seen = new Map<string, number>();
  private waiters = new Map<string, (time: number) => void>();
  private stopWatch: (() => void) | undefined;

  async start(kc: KubeConfig, namespace: string): Promise<void> {
    const request = await new Watch(kc).watch(`/api/v1/namespaces/${namespace}/configmaps`, { fieldSelector: 'metadata.name=settings' }, (_type, object: { data?: Record<string, string> }) => {
      const change = object.data?.['change'];
      if (change === undefined || this.seen.has(change)) return;
      const time = performance.now();
      this.seen.set(change, time);
      this.waiters.get(change)?.(time);
    }, (error) => {
      if (error && this.stopWatch) console.error(`watch ended: ${String(error)}`);
    });
    this.stopWatch = () => request.abort();
  }

  /** The time `change` appeared (waiting for it, at most 60 s). */
  when(change: number): Promise<number> {
    const key = String(change);
    const known = this.seen.get(key);
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`change ${key} never reached the API server`)), 60_000);
      this.waiters.set(key, (time) => {
        clearTimeout(timer);
        resolve(time);
      });
    });
  }

  stop(): void {
    const stop = this.stopWatch;
    this.stopWatch = undefined;
    stop?.();
  }
}

/** Runs CHANGES commits through a deployer and returns the latencies in ms from "on the remote" to "in the API server". */
async function measure(kubeconfig: string, kc: KubeConfig, mode: 'refresh' | 'polling', pollInterval: string, intervalMs: number): Promise<number[]> {
  // A namespace per run, so the watch never sees a value an earlier run left behind.
  const namespace = `latency-${mode}-${pollInterval}`;
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  const fx = await createFixture({ commits: [{ name: 'base', files: { 'deployers.yaml': `deployers:\n  bench: { target: local, namespace: ${namespace} }\n`, 'bench/deployable/settings.yaml': settings(0) } }] });
  const dir = await mkdtemp(join(tmpdir(), 'cascade-bench-deployer-latency-'));
  const file = join(dir, 'cascade.yaml');
  // The transitioner URL points at a closed port: this benchmark must not poke a transitioner someone else runs.
  await writeFile(file, `repo: { url: ${fx.remote}, branch: ${fx.branch}, pollInterval: ${pollInterval} }\ntargets:\n  local: { type: kubernetes, kubeconfig: ${kubeconfig} }\ndeployer: { listen: 127.0.0.1:0, transitioner: http://127.0.0.1:9 }\nlog: { level: error }\n`);
  const writer = await openRepo({ url: fx.remote, branch: fx.branch, dir: join(dir, 'writer.git') });
  const watcher = new ChangeWatcher();
  const deployer = await startDeployer(await loadConfig(file, {}), { logger: silentLogger });
  const latencies: number[] = [];
  try {
    await watcher.start(kc, namespace);
    await watcher.when(0);
    for (let i = 1; i <= CHANGES; i++) {
      // A commit lands at no particular moment of the poll cycle: wait a random part of the interval first.
      await new Promise((resolve) => setTimeout(resolve, mode === 'polling' ? Math.random() * intervalMs : 50));
      // The shared write path resolves once the remote has the commit: a person's push, a transitioner's promotion.
      await writer.write(() => ({ changes: { 'bench/deployable/settings.yaml': settings(i) }, message: `change ${i}` }));
      const landed = performance.now();
      // Fire and forget, like a webhook: the answer (after the pass) may still be on its way when the deployer stops.
      if (mode === 'refresh') void fetch(`${deployer.url}/refresh`, { method: 'POST' }).then((r) => r.body?.cancel()).catch(() => {});
      latencies.push((await watcher.when(i)) - landed);
    }
  } finally {
    watcher.stop();
    await deployer.stop();
    await writer.close();
    await fx.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
  return latencies;
}

function report(label: string, values: number[]): void {
  const ms = (v: number) => `${v.toFixed(1).padStart(7)} ms`;
  console.log(`${label.padEnd(34)} n=${String(values.length).padStart(3)}  p50 ${ms(percentile(values, 50))}  p95 ${ms(percentile(values, 95))}  max ${ms(Math.max(...values))}`);
}

const log = (line: string) => console.error(`[cluster] ${line}`);
const cluster = await startLocalCluster(log);
try {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  console.log(`machine: ${(await import('node:os')).cpus().length} cores, node ${process.version}; ${CHANGES} changes of one ConfigMap per mode; private cluster`);
  report('POST /refresh, pollInterval 10s', await measure(cluster.kubeconfig, kc, 'refresh', '10s', 10_000));
  report('polling only, pollInterval 1s', await measure(cluster.kubeconfig, kc, 'polling', '1s', 1000));
  report('polling only, pollInterval 5s', await measure(cluster.kubeconfig, kc, 'polling', '5s', 5000));
} finally {
  await stopLocalCluster(log);
}
process.exit(0);
