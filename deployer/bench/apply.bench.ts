// Deployer benchmark: cold apply of 1,000 rendered resources against `kubectl apply --server-side -f` of the
// same manifests, and the cost of one steady-state pass with nothing to do.
// Run: npm run bench -- deployer/bench/apply
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import type { Manifest, RenderedResource } from '@cascade/common';
import { silentLogger, systemClock } from '@cascade/common/service';
import { CascadeObjectApi } from '../src/kubernetes/client.ts';
import { createKubernetesTarget } from '../src/kubernetes/kubernetes-target.ts';
import type { EnvironmentPass } from '../src/targets/target.ts';
import { benchCluster, median } from './cluster.ts';

const RESOURCES = 1000;
const ROUNDS = 2;
const STEADY_RUNS = 5;

/** One resource: a ConfigMap and a Service, the shape of a small app's config without pods (kwok would add pods' load). */
function manifests(i: number): Manifest[] {
  const name = `app-${i}`;
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { app: name } }, data: { index: String(i), mode: 'bench', payload: 'x'.repeat(200) } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name, labels: { app: name } }, spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] } },
  ];
}

function pass(env: string, namespace: string): EnvironmentPass {
  const rendered: RenderedResource[] = Array.from({ length: RESOURCES }, (_, i) => ({ ok: true, env, name: `apps/app-${i}`, version: '1.0', manifests: manifests(i), sourceFiles: [`${env}/deployable/apps/app-${i}.yaml`] }));
  return { env, binding: { env, target: 'bench', namespace, prune: false, selfHeal: false, allowEmpty: false }, commit: 'bench', resources: [], rendered, pruneHold: [] };
}

const cluster = await benchCluster();
const work = mkdtempSync(join(tmpdir(), 'cascade-apply-bench-'));
try {
  const cascadeTimes: number[] = [];
  const kubectlTimes: number[] = [];
  let steady: { wall: number[]; cpu: number[] } = { wall: [], cpu: [] };
  for (let round = 0; round < ROUNDS; round++) {
    // Cascade: a fresh target (no cached discovery), one pass over 1,000 resources.
    const namespace = await cluster.namespace('bench-cascade');
    const target = createKubernetesTarget({ name: 'bench', installation: 'bench', client: CascadeObjectApi.forConfig(cluster.kc), clock: systemClock, logger: silentLogger });
    const input = pass(namespace, namespace);
    let start = performance.now();
    const status = await target.deploy(input);
    cascadeTimes.push(performance.now() - start);
    if (status.state !== 'Clean') throw new Error(`cold apply ended ${status.state}: ${JSON.stringify(status.resources.find((r) => r.state !== 'Clean'))}`);
    // Steady state: the same pass again, nothing to apply.
    steady = { wall: [], cpu: [] };
    for (let i = 0; i < STEADY_RUNS; i++) {
      const cpu = process.cpuUsage();
      start = performance.now();
      await target.deploy(input);
      steady.wall.push(performance.now() - start);
      const used = process.cpuUsage(cpu);
      steady.cpu.push((used.user + used.system) / 1000);
    }

    // kubectl: the same objects as files, one document per resource, applied server-side in one command.
    const kubectlNamespace = await cluster.namespace('bench-kubectl');
    const dir = join(work, `round-${round}`);
    execFileSync('mkdir', ['-p', dir]);
    for (let i = 0; i < RESOURCES; i++) writeFileSync(join(dir, `app-${i}.yaml`), manifests(i).map((m) => stringify(m)).join('---\n'));
    start = performance.now();
    execFileSync(cluster.kubectl, ['--kubeconfig', cluster.kubeconfig, 'apply', '--server-side', '--field-manager', 'kubectl-bench', '-n', kubectlNamespace, '-f', dir], { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
    kubectlTimes.push(performance.now() - start);
  }
  const c = median(cascadeTimes);
  const k = median(kubectlTimes);
  console.log(`machine: 2 cores, node ${process.version}; ${RESOURCES} resources (${RESOURCES * 2} objects: ConfigMap + Service each); median of ${ROUNDS} rounds`);
  console.log(`cold apply   cascade ${c.toFixed(0).padStart(6)} ms   kubectl apply --server-side ${k.toFixed(0).padStart(6)} ms   kubectl/cascade ${(k / c).toFixed(2)}x`);
  console.log(`  rounds: cascade ${cascadeTimes.map((t) => t.toFixed(0)).join(', ')} ms; kubectl ${kubectlTimes.map((t) => t.toFixed(0)).join(', ')} ms`);
  console.log(`steady pass (nothing to do, ${RESOURCES} resources): wall ${median(steady.wall).toFixed(0)} ms, deployer CPU ${median(steady.cpu).toFixed(0)} ms (median of ${STEADY_RUNS})`);
} finally {
  await cluster.cleanup();
  rmSync(work, { recursive: true, force: true });
}
process.exit(0);
