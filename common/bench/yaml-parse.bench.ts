// YAML parse benchmark: one map of 10k, 20k, 40k and 100k keys (100k keys is a 4.4 MB file), parsed with the yaml
// library's own duplicate-key check (`uniqueKeys: true`, quadratic in a map's size) and with Cascade's linear check,
// both in this one process; then parseYamlFile as the services run it, with the node cap. Run: npm run bench -- yaml
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { LineCounter, parseAllDocuments } from 'yaml';
import { findDuplicateKeys } from '../src/model/duplicate-keys.ts';
import { MAX_YAML_NODES, parseYamlFile } from '../src/model/yaml-file.ts';

const SIZES = [10_000, 20_000, 40_000, 100_000];
/** Runs per size and way (median); the library's check on 40k keys and more takes from seconds to minutes, so once. */
const runs = (keys: number) => (keys <= 20_000 ? 3 : 1);

/** A map of `count` keys, about 44 bytes a line like the file that froze the services. */
const mapOf = (count: number) => Array.from({ length: count }, (_, i) => `key${i}: value-${String(i).padStart(6, '0')}-padding-xxxxxxxxxxxx\n`).join('');

/** The duplicate-key problems the way Cascade read YAML before: the library's check. */
function libraryCheck(text: string): number {
  const docs = parseAllDocuments(text, { lineCounter: new LineCounter(), uniqueKeys: true, prettyErrors: false, strict: true });
  return (Array.isArray(docs) ? docs : []).reduce((n, doc) => n + doc.errors.length, 0);
}

/** The same parse with the library's check off and Cascade's linear walk instead (no node cap). */
function linearCheck(text: string): number {
  const docs = parseAllDocuments(text, { lineCounter: new LineCounter(), uniqueKeys: false, prettyErrors: false, strict: true });
  return (Array.isArray(docs) ? docs : []).reduce((n, doc) => n + doc.errors.length + findDuplicateKeys(doc.contents).length, 0);
}

/** Median time of `count` runs of `work`, in ms. */
function time(count: number, work: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  return [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? NaN;
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2).padStart(7)} s`;

console.log(`machine: ${cpus()[0]?.model ?? 'unknown cpu'}, ${cpus().length} cores, node ${process.version}, load average ${loadavg()[0]?.toFixed(1)}`);
console.log(`node cap: ${MAX_YAML_NODES} nodes (a key, its value and the entry count one each)`);
for (const keys of SIZES) {
  const text = mapOf(keys);
  // Warm up the parser on this size so the first way measured is not the one paying for compilation.
  linearCheck(text);
  const linear = time(runs(keys), () => linearCheck(text));
  const library = time(runs(keys), () => libraryCheck(text));
  const parsed = parseYamlFile('bench.yaml', text);
  const capped = time(runs(keys), () => parseYamlFile('bench.yaml', text));
  const outcome = parsed.problems.some((p) => p.code === 'too-many-nodes') ? 'refused at the node cap' : 'parsed';
  console.log(
    `${String(keys).padStart(6)} keys (${(text.length / 1e6).toFixed(1)} MB): library check ${fmt(library)}   linear check ${fmt(linear)}   ratio ${(library / linear).toFixed(1).padStart(5)}x   parseYamlFile ${fmt(capped)} (${outcome})`,
  );
}
