// How long `cascade --version` and `cascade --help` take: from the bundle (cli/dist) and from source through tsx, in one run.
// Run: npm run bench -- cli/bench/startup
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { bundleCli } from '../build/bundle.mjs';

const bin = fileURLToPath(new URL('../bin/cascade.js', import.meta.url));
const RUNS = 7;

/** Median wall time of running node with `argv`, in ms. */
function median(argv: string[], env: NodeJS.ProcessEnv = {}): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    execFileSync(process.execPath, argv, { env: { ...process.env, ...env }, stdio: 'ignore' });
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? 0;
}

await bundleCli();
const baseline = median(['-e', '0']);
console.log(`machine: ${cpus().length} cores, node ${process.version}; median of ${RUNS} runs; an empty node process takes ${baseline.toFixed(0)} ms`);
for (const args of [['--version'], ['--help']]) {
  const bundled = median([bin, ...args], { CASCADE_FROM_SOURCE: '0' });
  const source = median([bin, ...args], { CASCADE_FROM_SOURCE: '1' });
  console.log(`cascade ${args.join(' ').padEnd(10)} bundle ${bundled.toFixed(0).padStart(5)} ms   source (tsx) ${source.toFixed(0).padStart(5)} ms   source/bundle ${(source / bundled).toFixed(1)}x`);
}
