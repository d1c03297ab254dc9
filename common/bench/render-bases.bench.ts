// Memory a service keeps after rendering every environment, with templates' base files parsed into the long-lived
// cache (as before) or into a map of the pass that is dropped after it (RenderOptions.bases, what the deployer does).
// Both are measured alternately in one process, after a full garbage collection (`--expose-gc`, which the runner
// passes). Run: npm run bench -- render-bases (RENDER_BASES_BENCH_RESOURCES, default 2000, × 4 environments).
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRepo } from '../src/git/index.ts';
import { parseSnapshot, renderEnvironment, type RenderedResource } from '../src/index.ts';
import type { RepoFiles } from '../src/repo/files.ts';
import { generateBenchRepo } from './generate-repo.ts';

const RESOURCES = Number(process.env.RENDER_BASES_BENCH_RESOURCES ?? 2000);
const ROUNDS = 3;
const MiB = 1024 * 1024;

const collect = (): number => {
  if (global.gc === undefined) throw new Error('run with --expose-gc (npm run bench does)');
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed;
};

/** Heap kept by a fresh parse of `files` and a render of every environment, with the cache both are made with. */
function keptBy(files: RepoFiles, basesApart: boolean): { bytes: number; renders: number } {
  const before = collect();
  const cache = new Map<string, unknown>();
  const snapshot = parseSnapshot(files, { cache });
  const bases = basesApart ? new Map<string, unknown>() : undefined;
  const rendered: RenderedResource[][] = [];
  for (const env of snapshot.environments.keys()) rendered.push(renderEnvironment(snapshot, env, cache, bases === undefined ? {} : { bases }));
  bases?.clear();
  // What a service holds on to between passes: its snapshot, the renders and the cache.
  held.push(snapshot, cache, rendered);
  const bytes = collect() - before;
  held.length = 0;
  return { bytes, renders: rendered.flat().length };
}

/** Kept reachable while the heap is measured, so nothing a service would hold is collected first. */
const held: unknown[] = [];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

console.log(`machine: ${cpus()[0]?.model ?? 'unknown cpu'}, ${cpus().length} cores, node ${process.version}`);
const repo = generateBenchRepo({ resources: RESOURCES, envs: 4, shape: 'app' });
const work = mkdtempSync(join(tmpdir(), 'cascade-render-bases-bench-'));
try {
  const git = await openRepo({ url: repo.remote, branch: repo.branch, dir: join(work, 'clone') });
  const files = await git.readFiles(repo.head);
  await git.close();
  const kept = { cache: [] as number[], apart: [] as number[] };
  let renders = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const inCache = keptBy(files, false);
    const apart = keptBy(files, true);
    kept.cache.push(inCache.bytes);
    kept.apart.push(apart.bytes);
    renders = apart.renders;
  }
  const perResource = (bytes: number) => `${(bytes / renders / 1024).toFixed(1)} KiB per resource`;
  const [cache, apart] = [median(kept.cache), median(kept.apart)];
  console.log(`${RESOURCES} resources × 4 environments (${renders} renders, 'app' bases of three documents), heap kept after a full collection, median of ${ROUNDS}:`);
  console.log(`  bases parsed into the cache   ${(cache / MiB).toFixed(1)} MiB (${perResource(cache)})`);
  console.log(`  bases in a map of the pass    ${(apart / MiB).toFixed(1)} MiB (${perResource(apart)})`);
  console.log(`  kept less                     ${((cache - apart) / MiB).toFixed(1)} MiB (${perResource(cache - apart)}), ratio ${(cache / apart).toFixed(2)}x`);
} finally {
  repo.cleanup();
  rmSync(work, { recursive: true, force: true });
}
