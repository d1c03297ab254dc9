// Version push latency and throughput through the aggregator with 1, 10 and 100 concurrent clients, beside a
// baseline script doing one plain `git commit` + `git push` per version.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateBenchRepo } from '@cascade/common/bench';
import { percentile, startBenchAggregator } from './bench-aggregator.ts';

const RESOURCES = 200;
const RUNS: Array<{ clients: number; pushes: number }> = [
  { clients: 1, pushes: 100 },
  { clients: 10, pushes: 300 },
  { clients: 100, pushes: 1000 },
];
const BASELINE_PUSHES = 100;

interface Result {
  label: string;
  pushes: number;
  p50: number;
  p95: number;
  perSecond: number;
}

const repo = generateBenchRepo({ resources: RESOURCES, envs: 4 });
const results: Result[] = [];
try {
  results.push(baseline(repo.remote, repo.resources));
  const bench = await startBenchAggregator(repo.remote);
  try {
    let serial = 0;
    for (const run of RUNS) {
      const latencies: number[] = [];
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: run.clients }, async () => {
          for (let i = next++; i < run.pushes; i = next++) {
            const resource = repo.resources[(serial + i) % repo.resources.length] as string;
            const t0 = performance.now();
            const res = await fetch(`${bench.aggregator.url}/api/v1/versions`, {
              method: 'POST',
              headers: { authorization: `Bearer ${bench.token}`, 'content-type': 'application/json' },
              body: JSON.stringify({ resource, version: `9.${serial}.${i}`, fields: { image: `registry/${resource}:9.${serial}.${i}` }, changelog: `bench push ${i}` }),
            });
            if (res.status !== 201) throw new Error(`push answered ${res.status}: ${await res.text()}`);
            latencies.push(performance.now() - t0);
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      serial++;
      latencies.sort((a, b) => a - b);
      results.push({ label: `aggregator, ${run.clients} client${run.clients > 1 ? 's' : ''}`, pushes: run.pushes, p50: percentile(latencies, 50), p95: percentile(latencies, 95), perSecond: run.pushes / seconds });
    }
  } finally {
    await bench.stop();
  }
} finally {
  repo.cleanup();
}

const base = results[0] as Result;
console.log(`push benchmark: ${RESOURCES * 4 * 2 + 2}-file repo (${RESOURCES} resources × 4 environments), bare remote on local disk\n`);
console.log('| Writer | Pushes | p50 latency | p95 latency | Throughput | vs. baseline throughput |');
console.log('|---|---|---|---|---|---|');
for (const r of results) {
  console.log(`| ${r.label} | ${r.pushes} | ${r.p50.toFixed(1)} ms | ${r.p95.toFixed(1)} ms | ${r.perSecond.toFixed(1)}/s | ${(r.perSecond / base.perSecond).toFixed(2)}× |`);
}

/** One `git commit` + `git push` per version from a shell loop in a plain clone, timed per iteration. */
function baseline(remote: string, resources: string[]): Result {
  const dir = mkdtempSync(join(tmpdir(), 'cascade-bench-baseline-'));
  try {
    const clone = join(dir, 'clone');
    spawnSync('git', ['clone', '--quiet', remote, clone], { stdio: 'inherit' });
    const script = `
set -e
git config user.name bench; git config user.email bench@cascade.test
i=0
for r in "$@"; do
  t0=$(date +%s%N)
  printf 'version: "8.0.%s"\\nimage: registry/%s:8.0.%s\\n' "$i" "$r" "$i" > "latest/version/$r.yaml"
  git commit -q -am "Update $r to 8.0.$i"
  git push -q origin HEAD:main
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000 ))
  i=$((i + 1))
done
`;
    const names = Array.from({ length: BASELINE_PUSHES }, (_, i) => resources[i % resources.length] as string);
    const started = performance.now();
    const run = spawnSync('sh', ['-c', script, 'baseline', ...names], { cwd: clone, encoding: 'utf8' });
    const seconds = (performance.now() - started) / 1000;
    if (run.status !== 0) throw new Error(`baseline failed: ${run.stderr}`);
    const latencies = run.stdout.trim().split('\n').map((us) => Number(us) / 1000).sort((a, b) => a - b);
    return { label: 'baseline: git commit + git push per version', pushes: BASELINE_PUSHES, p50: percentile(latencies, 50), p95: percentile(latencies, 95), perSecond: BASELINE_PUSHES / seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
