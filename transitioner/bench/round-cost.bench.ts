// What a transitioner round costs at a team's size, without a cluster: the real service (from a config file) on a
// generated repo of N resources × latest, dev, pp, prod, the deployer's status (every resource Clean) served by a
// small HTTP server the benchmark controls. Per size it prints the wall time of an idle round (nothing to do),
// CI's push to latest → the dev commit on the remote, and dev Clean → the pp commit, each with the CPU the process
// and its git children spent. Run: npm run bench -- round-cost (ROUND_BENCH_SIZES=1000,10000, ROUND_BENCH_ROUNDS).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeployerStatus } from '@cascade/common';
import { loadConfig } from '@cascade/common/config';
import { openRepo } from '@cascade/common/git';
import { silentLogger } from '@cascade/common/service';
import { generateBenchRepo } from '@cascade/common/bench';
import { measured, type Measured } from '@cascade/common/bench/cpu';
import { startStatusServer } from '../src/testing/status-server.ts';
import { startTransitioner } from '../src/service/run.ts';
import { readRemoteHead, waitFor } from './remote-wait.ts';

const SIZES = (process.env.ROUND_BENCH_SIZES ?? '1000,10000').split(',').map(Number);
const ROUNDS = Number(process.env.ROUND_BENCH_ROUNDS ?? 10);
const ENVS = ['latest', 'dev', 'pp', 'prod'];
// prod waits for an hour of soak, so it is decided every round and never promoted during the benchmark.
const TRANSITIONS = 'transitions:\n  dev: { source: latest, target: dev }\n  pp: { source: dev, target: pp, preconditions: [SourceClean] }\n  prod: { source: pp, target: prod, preconditions: [SourceClean, { SoakTime: { minutes: 60 } }] }\n';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(values.length * 0.95) - 1)] ?? NaN;
const ms = (n: number) => `${n.toFixed(0).padStart(6)} ms`;

/** Every environment Clean at `commit`, each resource listed, as the deployer reports a rolled-out repo. */
function cleanStatus(commit: string, resources: readonly string[]): DeployerStatus {
  const listed = resources.map((name) => ({ name, state: 'Clean' as const, version: '1.0.0', errors: [] }));
  return { commit, environments: ENVS.slice(1).map((env) => ({ env, target: 'local', commit, state: 'Clean' as const, resources: listed })) };
}

async function measureSize(size: number): Promise<void> {
  const repo = generateBenchRepo({ resources: size, envs: ENVS, transitions: TRANSITIONS });
  const dir = await mkdtemp(join(tmpdir(), 'cascade-bench-round-'));
  const remoteHead = () => readRemoteHead(repo.remote, repo.branch);
  const deployer = await startStatusServer(cleanStatus(repo.head, repo.resources));
  const config = join(dir, 'cascade.yaml');
  // A poll interval longer than the benchmark: every round is one the benchmark asked for.
  await writeFile(config, `repo: { url: ${repo.remote}, branch: ${repo.branch}, pollInterval: 1h }\ndataDir: ${join(dir, 'data')}\ntransitioner: { listen: 127.0.0.1:0, deployer: ${deployer.url} }\n`);
  const ci = await openRepo({ url: repo.remote, branch: repo.branch, dir: join(dir, 'ci.git') });
  const startedAt = performance.now();
  const service = await startTransitioner(await loadConfig(config), { logger: silentLogger });
  // `?wait=true` answers once the round the request started has run.
  const refresh = () => fetch(`${service.url}/refresh?wait=true`, { method: 'POST' }).then((r) => r.arrayBuffer());
  try {
    await refresh();
    const firstRound = performance.now() - startedAt;
    const idle: Measured[] = [];
    for (let i = 0; i < ROUNDS; i++) idle.push(await measured(refresh));
    const toDev: Measured[] = [];
    const toPp: Measured[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const resource = repo.resources[(i * 7919) % size]!;
      const published = await ci.write(() => ({ changes: { [`latest/version/${resource}.yaml`]: `version: "2.0.${i}"\n` }, message: `Version ${resource} 2.0.${i}` }));
      // CI's push acknowledged → the transitioner is told (as the aggregator tells it) → the dev commit on the remote.
      toDev.push(await measured(async () => {
        void refresh();
        await waitFor(async () => ((await remoteHead()) !== published.commit ? true : undefined), 120_000);
      }));
      const devCommit = await remoteHead();
      // The deployer reports dev rolled out at the dev commit → the pp commit on the remote.
      deployer.set(cleanStatus(devCommit, repo.resources));
      toPp.push(await measured(async () => {
        void refresh();
        await waitFor(async () => ((await remoteHead()) !== devCommit ? true : undefined), 120_000);
      }));
      // Settle the round the refresh started before the next push, so each measurement is one round.
      await refresh();
    }
    const line = (label: string, values: Measured[]) =>
      console.log(`  ${label.padEnd(36)} p50 ${ms(median(values.map((v) => v.wallMs)))}  p95 ${ms(p95(values.map((v) => v.wallMs)))}  cpu p50 ${ms(median(values.map((v) => v.cpuMs)))}`);
    console.log(`${size} resources × ${ENVS.length} (${repo.fileCount} files): first round ${ms(firstRound)} (clone, full read)`);
    line('idle round (nothing to do)', idle);
    line('push to latest → dev commit', toDev);
    line('dev Clean → pp commit', toPp);
  } finally {
    await service.stop();
    await ci.close();
    await deployer.close();
    repo.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
}

console.log(`machine: ${cpus()[0]?.model ?? 'unknown cpu'}, ${cpus().length} cores, node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${ROUNDS} rounds each`);
for (const size of SIZES) await measureSize(size);
console.log(`load at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
