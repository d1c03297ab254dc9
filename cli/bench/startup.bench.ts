// How long a `cascade` call takes from start to exit: --version, --help and one small real command (validate of the
// example repo), from the bundle (cli/dist) and from source through tsx, in one run.
// Run: npm run bench -- cli/bench/startup
// CASCADE_BENCH_BASELINE=DIR also measures DIR/cli/bin/cascade.js, another checkout (e.g. `git archive` of an earlier
// commit with its bundle built, unpacked inside this one so its packages resolve from node_modules), beside this one.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleCli, bundleIsFresh } from '../build/bundle.mjs';

const bin = fileURLToPath(new URL('../bin/cascade.js', import.meta.url));
const baselineDir = process.env.CASCADE_BENCH_BASELINE;
const RUNS = 21;
const CALLS = [['--version'], ['--help'], ['validate', '--repo', 'examples/shop']];

/** One way to run node: its arguments, environment, and what must happen untimed before each run. */
interface Variant {
  argv: string[];
  env?: NodeJS.ProcessEnv;
  before?: () => Promise<unknown>;
}

/**
 * The median wall time of each variant from start to exit, in ms. Each round runs every variant once, so load that
 * comes and goes on a shared machine weighs on all of them alike; a failed call stops the benchmark.
 */
async function medians(variants: Variant[]): Promise<number[]> {
  const times = variants.map((): number[] => []);
  for (let round = 0; round < RUNS; round++) {
    for (const [i, { argv, env = {}, before }] of variants.entries()) {
      await before?.();
      const started = performance.now();
      const run = spawnSync(process.execPath, argv, { env: { ...process.env, ...env }, encoding: 'utf8' });
      times[i]!.push(performance.now() - started);
      if (run.status !== 0) throw new Error(`node ${argv.join(' ')} exited with ${run.status}: ${run.stderr}`);
    }
  }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? 0);
}

const ms = (value: number) => `${value.toFixed(0).padStart(5)} ms`;
const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');

// A source file edited meanwhile would make bin/cascade.js run the sources: rebuild first, so the bundle is measured.
const freshBundle = async () => bundleIsFresh() || bundleCli();
console.log(`machine: ${cpus().length} cores, node ${process.version}, load average ${load()}; median of ${RUNS} rounds`);
for (const args of CALLS) {
  const variants: Variant[] = [
    { argv: ['-e', '0'] },
    { argv: [bin, ...args], env: { CASCADE_FROM_SOURCE: '0' }, before: freshBundle },
    { argv: [bin, ...args], env: { CASCADE_FROM_SOURCE: '1' } },
    ...(baselineDir === undefined ? [] : [{ argv: [join(baselineDir, 'cli', 'bin', 'cascade.js'), ...args], env: { CASCADE_FROM_SOURCE: '0' } }]),
  ];
  const [empty, bundled, source, baseline] = (await medians(variants)) as [number, number, number, number | undefined];
  let line = `cascade ${args.join(' ').padEnd(32)} bundle ${ms(bundled)}   source (tsx) ${ms(source)}`;
  if (baseline !== undefined) line += `   baseline bundle ${ms(baseline)}   baseline/bundle ${(baseline / bundled).toFixed(1)}x`;
  console.log(`${line}   (empty node process ${ms(empty)})`);
}
console.log(`load average at the end: ${load()}`);
