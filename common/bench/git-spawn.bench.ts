// Starting git from a large process: through the spawn server against directly, side by side in one run, at growing
// resident memory. Reports the main thread's time per command (what blocks a service) and the wall time per command.
// Run: npm run bench -- git-spawn
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GitSpawnServer, type SpawnReply, type SpawnRequest } from '../src/git/spawn-server.ts';
import { directGit, runGit, spawnGitDirectly } from '../src/git/run-git.ts';

const COMMANDS = 100;
const STEPS_MIB = [0, 300, 1000];
const work = mkdtempSync(join(tmpdir(), 'cascade-git-spawn-bench-'));

/** Mean main-thread CPU and wall time per command of `COMMANDS` sequential `git rev-parse HEAD`. */
async function perCommand(start: (request: SpawnRequest) => Promise<SpawnReply>): Promise<{ cpuMs: number; wallMs: number }> {
  const request: SpawnRequest = { args: ['rev-parse', 'HEAD'], cwd: work, timeoutMs: 60_000 };
  const cpu = process.cpuUsage();
  const from = performance.now();
  for (let i = 0; i < COMMANDS; i++) {
    const reply = await start(request);
    if ('error' in reply || reply.exitCode !== 0) throw new Error(`git failed: ${JSON.stringify(reply)}`);
  }
  const used = process.cpuUsage(cpu);
  return { cpuMs: (used.user + used.system) / 1000 / COMMANDS, wallMs: (performance.now() - from) / COMMANDS };
}

/** Grows the process until it holds about `mib` MiB more, as a service's caches do: small objects and buffers. */
function ballast(mib: number): unknown[] {
  const held: unknown[] = [];
  const target = process.memoryUsage().rss + mib * 1024 * 1024;
  while (process.memoryUsage().rss < target) held.push(Array.from({ length: 10_000 }, (_, i) => ({ i, name: `object-${i}` })), Buffer.alloc(1 << 20, 1));
  return held;
}

try {
  await runGit(['init', '-q'], { cwd: work });
  await runGit(['-c', 'user.name=bench', '-c', 'user.email=bench@example.org', 'commit', '-q', '--allow-empty', '-m', 'bench'], { cwd: work });
  // Started first, while this process is small, as a service's is at its first git command.
  const server = new GitSpawnServer(directGit);
  await perCommand((request) => server.run(request));
  const kept: unknown[] = [];
  console.log(`${COMMANDS} × git rev-parse HEAD, sequential; main-thread CPU and wall time per command`);
  for (const [index, mib] of STEPS_MIB.entries()) {
    kept.push(ballast(mib - (STEPS_MIB[index - 1] ?? 0)));
    const rss = process.memoryUsage().rss / 1024 / 1024;
    const direct = await perCommand(spawnGitDirectly);
    const served = await perCommand((request) => server.run(request));
    console.log(
      `RSS ${rss.toFixed(0).padStart(5)} MiB   direct: CPU ${direct.cpuMs.toFixed(2)} ms, wall ${direct.wallMs.toFixed(2)} ms   ` +
        `spawn server: CPU ${served.cpuMs.toFixed(2)} ms, wall ${served.wallMs.toFixed(2)} ms   CPU direct/server ${(direct.cpuMs / served.cpuMs).toFixed(1)}x`,
    );
  }
  server.close();
  if (kept.length === 0) throw new Error('unreachable');
} finally {
  rmSync(work, { recursive: true, force: true });
}
