// Snapshot benchmark: read a full snapshot of 1,000 resources × 4 environments and render every
// environment, with 1k and with 50k commits of history (the cost must not grow with history), then
// one write + push and the re-read that follows it. Both repos are measured alternately in one
// process so machine noise hits both alike. Run: npm run bench -- snapshot
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openRepo, type GitRepo } from '../src/git/index.ts';
import { SnapshotReader, parseSnapshot, renderEnvironment } from '../src/index.ts';
import { generateBenchRepo, type BenchRepo } from './generate-repo.ts';

const RUNS = 7;
const HISTORIES = [1_000, 50_000];
const work = mkdtempSync(join(tmpdir(), 'cascade-snapshot-bench-'));

/** Timings of one cold pass over a repo, in ms. */
interface Pass {
  read: number;
  parse: number;
  render: number;
}

/** One cold pass: a fresh handle on an existing clone (empty object caches), read every file, parse, render all environments. */
async function coldPass(repo: BenchRepo, dir: string): Promise<Pass> {
  const git = await openRepo({ url: repo.remote, branch: repo.branch, dir });
  try {
    const t0 = performance.now();
    const files = await git.readFiles(repo.head);
    const t1 = performance.now();
    const snapshot = parseSnapshot(files);
    const t2 = performance.now();
    let manifests = 0;
    for (const env of snapshot.environments.keys()) for (const r of renderEnvironment(snapshot, env)) manifests += r.ok ? r.manifests.length : 0;
    const t3 = performance.now();
    if (manifests !== repo.resources.length * repo.envs.length) throw new Error(`bench repo rendered ${manifests} manifests`);
    return { read: t1 - t0, parse: t2 - t1, render: t3 - t2 };
  } finally {
    await git.close();
  }
}

/** Median of numbers. */
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const fmt = (n: number) => `${n.toFixed(0).padStart(6)} ms`;

console.log(`machine: ${cpus()[0]?.model ?? 'unknown cpu'}, ${cpus().length} cores, node ${process.version}`);
const repos = HISTORIES.map((historyCommits) => generateBenchRepo({ resources: 1000, envs: 4, historyCommits }));
try {
  const clones: string[] = [];
  for (const [i, repo] of repos.entries()) {
    const dir = join(work, `clone-${i}`);
    const start = performance.now();
    await (await openRepo({ url: repo.remote, branch: repo.branch, dir })).close();
    clones.push(dir);
    console.log(`history ${String(HISTORIES[i]).padStart(6)} commits: first clone ${fmt(performance.now() - start)} (once per service start)`);
  }
  const passes: Pass[][] = repos.map(() => []);
  for (let run = 0; run < RUNS; run++) {
    for (const [i, repo] of repos.entries()) passes[i]?.push(await coldPass(repo, clones[i] as string));
  }
  const totals = passes.map((list) => median(list.map((p) => p.read + p.parse + p.render)));
  for (const [i, list] of passes.entries()) {
    console.log(
      `history ${String(HISTORIES[i]).padStart(6)} commits, ${repos[i]?.fileCount} files: full snapshot ${fmt(totals[i] ?? NaN)} = read ${fmt(median(list.map((p) => p.read)))} + parse ${fmt(median(list.map((p) => p.parse)))} + render 4 envs ${fmt(median(list.map((p) => p.render)))}`,
    );
  }
  console.log(`ratio 50k/1k history, full snapshot: ${((totals[1] ?? NaN) / (totals[0] ?? NaN)).toFixed(2)}x`);

  // Steady state: the service keeps its handle and caches; one write lands, the next read sees only it.
  const writes: number[][] = repos.map(() => []);
  const rereads: number[][] = repos.map(() => []);
  const handles: GitRepo[] = [];
  const readers: SnapshotReader[] = [];
  for (const [i, repo] of repos.entries()) {
    const git = await openRepo({ url: repo.remote, branch: repo.branch, dir: clones[i] as string });
    handles.push(git);
    const reader = new SnapshotReader(git);
    readers.push(reader);
    const snapshot = await reader.read(repo.head);
    for (const env of snapshot.environments.keys()) renderEnvironment(snapshot, env, reader.cache);
  }
  for (let run = 0; run < RUNS; run++) {
    for (const [i, git] of handles.entries()) {
      const t0 = performance.now();
      const result = await git.write(() => ({ changes: { 'latest/version/team-0/svc-0.yaml': `version: "w-${run}"\n` }, message: 'Bench write' }));
      const t1 = performance.now();
      const reader = readers[i] as SnapshotReader;
      const snapshot = await reader.read(result.commit);
      for (const env of snapshot.environments.keys()) renderEnvironment(snapshot, env, reader.cache);
      writes[i]?.push(t1 - t0);
      rereads[i]?.push(performance.now() - t1);
    }
  }
  for (const [i] of repos.entries()) {
    console.log(`history ${String(HISTORIES[i]).padStart(6)} commits: write+push ${fmt(median(writes[i] ?? []))}; re-read+parse+render after it ${fmt(median(rereads[i] ?? []))}`);
  }
  console.log(`ratio 50k/1k history: write+push ${(median(writes[1] ?? []) / median(writes[0] ?? [])).toFixed(2)}x, re-read ${(median(rereads[1] ?? []) / median(rereads[0] ?? [])).toFixed(2)}x`);
  for (const git of handles) await git.close();
} finally {
  for (const repo of repos) repo.cleanup();
  rmSync(work, { recursive: true, force: true });
}
