// Git layer benchmark: the git CLI (as the git layer uses it) against isomorphic-git on a 4,000-file repo, and read cost against history length.
// Run: npm run bench -- git
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openRepo, type GitRepo } from '../src/git/index.ts';
import { runGit } from '../src/git/run-git.ts';
import { ObjectReader } from '../src/git/object-reader.ts';
import { TreeReader } from '../src/git/tree-reader.ts';
import { simpleGit } from 'simple-git';
import { generateBenchRepo } from './generate-repo.ts';
import { serveGitOverHttp } from './git-http-server.ts';
import { isomorphicClone, isomorphicObjectSource, isomorphicWrite } from './isomorphic-git-client.ts';

const RUNS = 5;
const work = mkdtempSync(join(tmpdir(), 'cascade-git-bench-'));
let writeCounter = 0;

/** Median wall time in ms of `runs` runs; `prepare` runs untimed before each. */
async function median(runs: number, body: () => Promise<unknown>, prepare?: () => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    await prepare?.();
    const start = performance.now();
    await body();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? NaN;
}

async function timed<T>(body: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await body();
  return [value, performance.now() - start];
}

const ms = (value: number) => `${value.toFixed(1).padStart(8)} ms`;
function row(label: string, cli: number, iso: number): void {
  console.log(`${label.padEnd(36)} cli ${ms(cli)}   isomorphic-git ${ms(iso)}   iso/cli ${(iso / cli).toFixed(1)}x`);
}

const oneChange = (repo: GitRepo) => repo.write(() => ({ changes: { 'latest/version/team-0/svc-0.yaml': `version: "bench-${++writeCounter}"\n` }, message: 'Bench write' }));

async function compareImplementations(): Promise<void> {
  const generated = generateBenchRepo({ resources: 500, envs: 4 });
  const server = await serveGitOverHttp(generated.remote);
  console.log(`repo: ${generated.fileCount} files, served over smart HTTP at ${server.url} (isomorphic-git cannot use a path or ssh)`);
  try {
    const [cli, cliClone] = await timed(() => openRepo({ url: generated.remote, branch: 'main', dir: join(work, 'cli') }));
    const [cliHttp, cliHttpClone] = await timed(() => openRepo({ url: server.url, branch: 'main', dir: join(work, 'cli-http') }));
    const isoDir = join(work, 'iso');
    const [, isoClone] = await timed(() => isomorphicClone(server.url, isoDir, 'main'));
    row('clone (cli over HTTP)', cliHttpClone, isoClone);
    console.log(`${'clone (cli from a path)'.padEnd(36)} cli ${ms(cliClone)}`);

    const head = generated.head;
    const cliCold = await median(RUNS, async () => {
      const reader = new ObjectReader(join(work, 'cli'));
      await new TreeReader(reader).readFiles(head);
      reader.close();
    });
    const isoCold = await median(RUNS, () => new TreeReader(isomorphicObjectSource(join(isoDir, '.git'), {})).readFiles(head));
    row('full tree read, cold caches', cliCold, isoCold);
    const lsTree = await median(RUNS, async () => {
      const reader = new ObjectReader(join(work, 'cli'));
      const listing = (await runGit(['ls-tree', '-r', '-z', '--long', head], { cwd: join(work, 'cli') })).stdout.toString('utf8');
      const oids = listing.split('\0').filter(Boolean).map((line) => line.split(/\s+/)[2] ?? '');
      await Promise.all(oids.map((oid) => reader.read(oid)));
      reader.close();
    });
    console.log(`${'  variant: ls-tree -r + cat-file'.padEnd(36)} cli ${ms(lsTree)}   (the layer reads trees through cat-file instead, to cache them)`);

    let newHead = '';
    const cliReread = await median(RUNS, () => cli.readFiles(newHead), async () => {
      newHead = (await oneChange(cli)).commit;
    });
    const statsBefore = cli.readStats();
    await cli.readFiles((await oneChange(cli)).commit);
    const delta = cli.readStats();
    const isoReader = new TreeReader(isomorphicObjectSource(join(isoDir, '.git'), {}));
    let isoHead = await isomorphicWrite(server.url, isoDir, 'main', 'latest/version/team-0/svc-1.yaml', 'version: "warm"\n');
    await isoReader.readFiles(isoHead);
    const isoReread = await median(RUNS, () => isoReader.readFiles(isoHead), async () => {
      isoHead = await isomorphicWrite(server.url, isoDir, 'main', 'latest/version/team-0/svc-1.yaml', `version: "iso-${++writeCounter}"\n`);
    });
    row('re-read after one change', cliReread, isoReread);
    console.log(`  (cli re-read did ${delta.treesRead - statsBefore.treesRead} tree and ${delta.blobsRead - statsBefore.blobsRead} blob reads)`);

    const cliWrite = await median(RUNS, () => oneChange(cli));
    const cliHttpWrite = await median(RUNS, () => oneChange(cliHttp));
    const isoWrite = await median(RUNS, () => isomorphicWrite(server.url, isoDir, 'main', 'latest/version/team-0/svc-2.yaml', `version: "iso-${++writeCounter}"\n`));
    row('write+push one file (HTTP)', cliHttpWrite, isoWrite);
    console.log(`${'write+push one file (path remote)'.padEnd(36)} cli ${ms(cliWrite)}`);

    const batch = await median(3, () => Promise.all(Array.from({ length: 500 }, (_, i) => cli.write(() => ({ changes: { [`batch/${i}.txt`]: `${++writeCounter}\n` }, message: `Batch ${i}` })))));
    console.log(`${'500 concurrent writes (chains ≤100)'.padEnd(36)} cli ${ms(batch)}`);
    await Promise.all([cli.close(), cliHttp.close()]);
  } finally {
    await server.close();
    generated.cleanup();
  }
}

async function compareHistoryLengths(): Promise<void> {
  const lengths = [1_000, 50_000];
  const repos = [];
  for (const historyCommits of lengths) {
    const [generated, generateTime] = await timed(async () => generateBenchRepo({ resources: 500, envs: 4, historyCommits }));
    const dir = join(work, `history-${historyCommits}`);
    const [repo, cloneTime] = await timed(() => openRepo({ url: generated.remote, branch: 'main', dir }));
    console.log(`history ${String(historyCommits).padStart(6)} commits: generate+repack ${ms(generateTime)}, clone ${ms(cloneTime)}`);
    repos.push({ historyCommits, generated, dir, repo, reads: [] as number[], logs: [] as number[] });
  }
  // Alternate between the two repos so load from other processes hits both alike.
  for (let run = 0; run < 2 * RUNS; run++) {
    for (const entry of repos) {
      const reader = new ObjectReader(entry.dir);
      entry.reads.push((await timed(() => new TreeReader(reader).readFiles(entry.generated.head)))[1]);
      reader.close();
      entry.logs.push((await timed(() => entry.repo.log({ limit: 50 })))[1]);
    }
  }
  const middle = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  for (const entry of repos) {
    console.log(`history ${String(entry.historyCommits).padStart(6)} commits: read HEAD snapshot (cold) ${ms(middle(entry.reads))}, log page of 50 ${ms(middle(entry.logs))}`);
    await entry.repo.close();
    entry.generated.cleanup();
  }
  const [small, large] = repos;
  if (small && large) {
    console.log(`50k/1k history: snapshot read ratio ${(middle(large.reads) / middle(small.reads)).toFixed(2)}, log page ratio ${(middle(large.logs) / middle(small.logs)).toFixed(2)}`);
  }
}

/** What a runner costs per command: our spawn wrapper against simple-git, on the same `rev-parse`. */
async function compareRunners(): Promise<void> {
  const generated = generateBenchRepo({ resources: 10, envs: 1 });
  try {
    const runs = 50;
    const ours = (await timed(async () => {
      for (let i = 0; i < runs; i++) await runGit(['rev-parse', 'HEAD'], { cwd: generated.remote });
    }))[1];
    const simple = simpleGit(generated.remote);
    const theirs = (await timed(async () => {
      for (let i = 0; i < runs; i++) await simple.revparse(['HEAD']);
    }))[1];
    console.log(`${'one git command (rev-parse)'.padEnd(36)} runGit ${ms(ours / runs)}   simple-git ${ms(theirs / runs)}`);
  } finally {
    generated.cleanup();
  }
}

const version = (command: string, args: string[]) => execFileSync(command, args, { encoding: 'utf8' }).trim();
console.log(`machine: ${version('nproc', [])} cores, node ${process.version}, ${version('git', ['--version'])}; median of ${RUNS} runs`);
try {
  await compareImplementations();
  await compareRunners();
  await compareHistoryLengths();
} finally {
  rmSync(work, { recursive: true, force: true });
}
