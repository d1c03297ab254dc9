// What the aggregator keeps for a repo of N resources × 4 environments: this process's memory after a full garbage
// collection before the service starts, once it has read the repo, and after pushes of new versions. Peers are absent,
// so this is the repo's share alone (the deployer's status, which the aggregator also holds, is not in it). Run:
// npm run bench -- aggregator/bench/memory (MEMORY_BENCH_SIZES=1000,10000; MEMORY_BENCH_PUSHES=20;
// MEMORY_BENCH_HEAP=DIR writes heap snapshots before the service and after the pushes, to compare in DevTools).
import { writeHeapSnapshot } from 'node:v8';
import { join } from 'node:path';
import { generateBenchRepo } from '@cascade/common/bench';
import { startBenchAggregator } from './bench-aggregator.ts';

const SIZES = (process.env.MEMORY_BENCH_SIZES ?? '1000').split(',').map(Number);
const PUSHES = Number(process.env.MEMORY_BENCH_PUSHES ?? 20);
const HEAP_DIR = process.env.MEMORY_BENCH_HEAP;

/** This process's heap in use and resident memory after a full garbage collection (the runner passes --expose-gc). */
function memoryAfterGc(): { heap: number; heapTotal: number; external: number; rss: number } {
  for (let i = 0; i < 3; i++) globalThis.gc?.();
  const { heapUsed, heapTotal, external, rss } = process.memoryUsage();
  return { heap: heapUsed, heapTotal, external, rss };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const line = (label: string, m: ReturnType<typeof memoryAfterGc>) =>
  console.log(`${label.padEnd(32)} heap used ${mib(m.heap).padStart(8)} of ${mib(m.heapTotal).padStart(8)}, external ${mib(m.external).padStart(7)}, RSS ${mib(m.rss).padStart(8)}`);

console.log(`machine: node ${process.version}; ${PUSHES} pushes per size`);
for (const size of SIZES) {
  const repo = generateBenchRepo({ resources: size, envs: 4, shape: 'app' });
  try {
    const before = memoryAfterGc();
    if (HEAP_DIR !== undefined) writeHeapSnapshot(join(HEAP_DIR, `aggregator-${size}-before.heapsnapshot`));
    const bench = await startBenchAggregator(repo.remote);
    try {
      await bench.aggregator.refresh();
      const read = memoryAfterGc();
      for (let i = 0; i < PUSHES; i++) {
        const resource = repo.resources[i % repo.resources.length]!;
        const res = await fetch(`${bench.aggregator.url}/api/v1/versions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${bench.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ resource, version: `9.0.${i}`, fields: { image: `registry/${resource}:9.0.${i}` } }),
        });
        if (res.status !== 201) throw new Error(`push answered ${res.status}: ${await res.text()}`);
      }
      const pushed = memoryAfterGc();
      if (HEAP_DIR !== undefined) writeHeapSnapshot(join(HEAP_DIR, `aggregator-${size}-after.heapsnapshot`));
      console.log(`${size} resources × 4 environments`);
      line('before the service', before);
      line('repo read', read);
      line(`after ${PUSHES} pushes`, pushed);
      console.log(`kept for the repo: ${mib(pushed.heap - before.heap)} of heap, ${((pushed.heap - before.heap) / size / 4 / 1024).toFixed(1)} KiB per resource and environment`);
    } finally {
      await bench.stop();
    }
  } finally {
    repo.cleanup();
  }
}
