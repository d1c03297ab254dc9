// History page time at 1k and 50k commits: the first page from the in-memory index, a filtered page, and a page
// older than the indexed window (read from git) — none of them should grow with the repo's age.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRepo } from '@cascade/common/git';
import { generateBenchRepo } from '@cascade/common/bench';
import { HistoryIndex } from '../src/history/history-index.ts';
import { percentile } from './bench-aggregator.ts';

const WINDOW = 10_000;
const ROUNDS = 30;

console.log(`history benchmark: window ${WINDOW} commits, page size 50, median and p95 of ${ROUNDS} rounds\n`);
console.log('| Commits | Index start-up | New commit indexed | First page | Filtered page (one resource) | Page beyond the window |');
console.log('|---|---|---|---|---|---|');
for (const commits of [1_000, 50_000]) {
  const repo = generateBenchRepo({ resources: 100, envs: 4, historyCommits: commits });
  const dir = mkdtempSync(join(tmpdir(), 'cascade-bench-history-'));
  try {
    const git = await openRepo({ url: repo.remote, branch: repo.branch, dir });
    const head = (await git.fetch()) as string;
    const index = HistoryIndex.forRepo(git, { window: WINDOW });
    let t0 = performance.now();
    await index.update(head);
    const startup = performance.now() - t0;
    // One more commit on top, indexed incrementally.
    const write = await git.write((current) => ({ changes: { 'latest/version/team-0/svc-1.yaml': `version: "x"\n${current.commit}\n` }, message: 'bench' }));
    t0 = performance.now();
    await index.update(write.commit);
    const incremental = performance.now() - t0;
    const first = await time(() => index.page({ limit: 50 }));
    const filtered = await time(() => index.page({ limit: 50, resource: repo.resources[7] as string }));
    // A commit twice the window deep: paging there reads git, not memory.
    const beyond = commits > 2 * WINDOW ? (await git.log({ from: head, limit: 2 * WINDOW, firstParent: true })).at(-1)?.commit : undefined;
    const old = beyond ? await time(() => index.page({ limit: 50, cursor: beyond })) : undefined;
    console.log(`| ${commits.toLocaleString('en')} | ${startup.toFixed(0)} ms | ${incremental.toFixed(1)} ms | ${fmt(first)} | ${fmt(filtered)} | ${old ? fmt(old) : 'all in memory'} |`);
    await git.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    repo.cleanup();
  }
}

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return samples.sort((a, b) => a - b);
}

function fmt(samples: number[]): string {
  return `${percentile(samples, 50).toFixed(3)} / ${percentile(samples, 95).toFixed(3)} ms`;
}
