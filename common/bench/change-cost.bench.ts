// What one small commit costs a service that keeps its caches, at 1,000 and 10,000 resources x 4 environments: the
// re-read (a patched snapshot) and the render of the changed environment, beside a full parse of the same commit with
// every file already cached. The patched path should barely grow with the repo; the full parse grows with it.
// Run: npm run bench -- change-cost
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openRepo } from '../src/git/index.ts';
import { SnapshotReader, parseSnapshot, renderEnvironment } from '../src/index.ts';
import { generateBenchRepo } from './generate-repo.ts';

const SIZES = [1_000, 10_000];
const ROUNDS = 9;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const fmt = (n: number) => `${n.toFixed(1).padStart(8)} ms`;

console.log(`machine: ${cpus()[0]?.model ?? 'unknown cpu'}, ${cpus().length} cores, node ${process.version}, load ${loadavg()[0]?.toFixed(1)}`);
const work = mkdtempSync(join(tmpdir(), 'cascade-change-cost-'));
const results: Array<{ size: number; patched: number; render: number; full: number }> = [];
try {
  for (const size of SIZES) {
    const repo = generateBenchRepo({ resources: size, envs: 4 });
    const git = await openRepo({ url: repo.remote, branch: repo.branch, dir: join(work, `clone-${size}`) });
    try {
      const reader = new SnapshotReader(git);
      const first = await reader.read(repo.head);
      for (const env of first.environments.keys()) renderEnvironment(first, env, reader.cache);
      const patched: number[] = [];
      const render: number[] = [];
      const full: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const { commit } = await git.write(() => ({ changes: { [`dev/version/${repo.resources[round]}.yaml`]: `version: "2.${round}"\n` }, message: 'Bench version bump' }));
        const t0 = performance.now();
        const snapshot = await reader.read(commit);
        const t1 = performance.now();
        renderEnvironment(snapshot, 'dev', reader.cache);
        const t2 = performance.now();
        // The same commit parsed in full, every file's parse already cached: what the patch saves.
        parseSnapshot(snapshot.files, { cache: reader.cache });
        const t3 = performance.now();
        patched.push(t1 - t0);
        render.push(t2 - t1);
        full.push(t3 - t2);
      }
      const row = { size, patched: median(patched), render: median(render), full: median(full) };
      results.push(row);
      console.log(`${String(size).padStart(6)} resources x 4 (${repo.fileCount} files): re-read ${fmt(row.patched)}, render dev ${fmt(row.render)}; full parse of the same commit ${fmt(row.full)}`);
    } finally {
      await git.close();
      repo.cleanup();
    }
  }
  const [small, large] = results;
  if (small && large) {
    console.log(`ratio 10k/1k: re-read ${(large.patched / small.patched).toFixed(2)}x, render dev ${(large.render / small.render).toFixed(2)}x, full parse ${(large.full / small.full).toFixed(2)}x`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
