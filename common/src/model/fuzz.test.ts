// Seeded random mutations of examples/shop: parsing, validating and rendering never throw, untouched resources
// render exactly as before, a broken resource stays and names its file, a broken structure holds pruning.
// CASCADE_FUZZ_SEED=<n> runs one seed, CASCADE_FUZZ_RUNS=<n> sets how many (default 300).
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readWorkingTree } from '../repo/working-tree.ts';
import type { RepoFiles } from '../repo/files.ts';
import { parseSnapshot, type ParseCache, type SnapshotWithFiles } from './snapshot.ts';
import { renderEnvironment } from './render.ts';
import { validateSnapshot } from './validate.ts';
import type { RenderedResource } from './types.ts';
import { describeMutations, heldEnvironments, mutatedPaths, mutateRepo, touchedResources, type MutatedRepo } from '../testing/repo-mutations.ts';

const examples = fileURLToPath(new URL('../../../examples/shop', import.meta.url));
const runs = Number(process.env['CASCADE_FUZZ_RUNS'] ?? 300);
const only = process.env['CASCADE_FUZZ_SEED'];
const seeds = only !== undefined ? [Number(only)] : Array.from({ length: runs }, (_, i) => i + 1);

/** Every rendered resource of every environment, by `env/name`. */
function renderAll(snapshot: SnapshotWithFiles, cache: ParseCache): Map<string, RenderedResource> {
  const rendered = new Map<string, RenderedResource>();
  for (const env of snapshot.environments.keys()) for (const r of renderEnvironment(snapshot, env, cache)) rendered.set(`${env}/${r.name}`, r);
  return rendered;
}

/** Checks one mutated repo against the baseline; returns what is wrong, empty when all holds. */
function check(mutated: MutatedRepo, baseline: Map<string, RenderedResource>): string[] {
  const failures: string[] = [];
  // One cache per commit, shared by parse, validate and render as the services do; never across seeds.
  const cache = new Map<string, unknown>();
  const snapshot = parseSnapshot(mutated.files, { cache });
  const problems = validateSnapshot(snapshot, cache);
  const rendered = renderAll(snapshot, cache);
  const touched = touchedResources(mutated);
  const held = heldEnvironments(mutated);
  const paths = [...mutatedPaths(mutated)];
  const names = (text: string) => paths.some((p) => text.includes(p));
  for (const p of problems) if (p.code === 'internal-error') failures.push(`internal error: ${p.file}: ${p.message}`);
  for (const [key, r] of rendered) {
    const leak = r.ok ? findNonPlain(r.manifests, '') : undefined;
    if (leak) failures.push(`${key} renders a JavaScript built-in at ${leak}`);
  }
  for (const [key, before] of baseline) {
    const after = rendered.get(key);
    if (!touched.has(key)) {
      if (!isDeepEqual(after, before)) failures.push(`${key} was not touched but renders differently`);
      continue;
    }
    const env = key.split('/')[0] as string;
    if (held.has(env)) continue;
    const resource = snapshot.environments.get(env)?.resources.get(key.slice(env.length + 1));
    if (!resource || !after) failures.push(`${key} was touched and vanished, though its environment holds no pruning`);
    else if (!after.ok && !after.problems.some((p) => names(p.file) || names(p.message))) failures.push(`${key} fails naming none of the mutated files: ${JSON.stringify(after.problems)}`);
  }
  for (const [name, environment] of snapshot.environments) {
    const holds = (environment.pruneHold?.length ?? 0) > 0;
    if (held.has(name) !== holds) failures.push(`${name} ${holds ? 'holds pruning though its structure is intact' : 'does not hold pruning though its structure broke'}`);
  }
  for (const env of held) if (snapshot.deployers.has(env) && !snapshot.environments.has(env)) failures.push(`${env} is bound in deployers.yaml but vanished`);
  return failures;
}

/** Where a value holds something no YAML file can: a function, a class instance, text of a built-in. */
function findNonPlain(value: unknown, at: string): string | undefined {
  if (typeof value === 'function') return at || '(root)';
  if (typeof value === 'string') return /\[native code\]|\[object \w+\]/.test(value) ? at : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if (!Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) return at || '(root)';
  for (const [key, item] of Object.entries(value)) {
    const found = findNonPlain(item, `${at}/${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Deep equality that tells undefined from a value, as vitest's toEqual would. */
function isDeepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

describe('fuzz: mutations of examples/shop', () => {
  let original: RepoFiles;
  let baseline: Map<string, RenderedResource>;
  beforeAll(async () => {
    original = await readWorkingTree(examples, 'examples');
    const snapshot = parseSnapshot(original);
    expect(validateSnapshot(snapshot).filter((p) => p.severity === 'error')).toEqual([]);
    baseline = renderAll(snapshot, new Map());
    expect(baseline.size).toBeGreaterThan(10);
  });

  it(`keeps every untouched resource and every broken one over ${seeds.length} seeds`, () => {
    const failed: string[] = [];
    for (const seed of seeds) {
      const mutated = mutateRepo(original, seed);
      let failures: string[];
      try {
        failures = check(mutated, baseline);
      } catch (error) {
        failures = [`threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`];
      }
      if (failures.length > 0) failed.push(`${describeMutations(mutated)}\n${failures.map((f) => `  -> ${f}`).join('\n')}\n  (rerun: CASCADE_FUZZ_SEED=${seed})`);
    }
    expect(failed, failed.slice(0, 5).join('\n')).toEqual([]);
  }, 300_000);

  it('mutates with every kind, and the same seed gives the same repo', () => {
    const kinds = new Set(seeds.flatMap((seed) => mutateRepo(original, seed).mutations.map((m) => m.kind)));
    if (only === undefined) expect(kinds.size).toBe(7);
    expect(describeMutations(mutateRepo(original, 42))).toBe(describeMutations(mutateRepo(original, 42)));
  });
});
