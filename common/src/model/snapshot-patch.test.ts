// A patched snapshot must be exactly the full parse of the same commit: seeded random walks of changes over
// examples/shop, clean and broken, compare the two after every step; the fuzzer's repo mutations are checked too.
// CASCADE_FUZZ_RUNS=<n> sets how many walks and mutated repos (default 12).
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readWorkingTree } from '../repo/working-tree.ts';
import { repoTexts } from '../testing/repo-texts.ts';
import { repoFilesFromText, type RepoFiles } from '../repo/files.ts';
import { createPrng, type Prng } from '../testing/prng.ts';
import { mutateRepo } from '../testing/repo-mutations.ts';
import { parseSnapshot, type SnapshotWithFiles } from './snapshot.ts';
import { renderEnvironment } from './render.ts';
import { patchSnapshotSteps } from './snapshot-patch.ts';
import { runSteps } from './steps.ts';
import { applyChangesInPlace } from '../git/tree-edit.ts';

const examples = fileURLToPath(new URL('../../../examples/shop', import.meta.url));
const runs = Number(process.env['CASCADE_FUZZ_RUNS'] ?? 12);
const STEPS = 25;

/** Everything a snapshot holds, in order, as text: two snapshots are the same when their views are. */
function view(snapshot: SnapshotWithFiles): string {
  const environments = [...snapshot.environments].map(([name, env]) => [name, { ...env, resources: [...env.resources] }]);
  return JSON.stringify({ commit: snapshot.commit, environments, transitions: snapshot.transitions, deployers: [...snapshot.deployers], transitionState: snapshot.transitionState, stagingKinds: [...snapshot.stagingKinds], stagings: [...snapshot.stagings], problems: snapshot.problems });
}

/** Patched when the patch applies, else parsed in full: what SnapshotReader does. */
function next(previous: SnapshotWithFiles, files: RepoFiles, cache: Map<string, unknown>): { snapshot: SnapshotWithFiles; patched: boolean } {
  const patched = runSteps(patchSnapshotSteps(previous, files, cache));
  return patched === undefined ? { snapshot: parseSnapshot(files, { cache }), patched: false } : { snapshot: patched, patched: true };
}

/** One random change to the repo's texts: mostly what CI and people do, sometimes what breaks a file. */
function change(texts: Record<string, string>, rng: Prng): void {
  const envs = ['latest', 'dev', 'pp', 'prod'];
  const env = rng.pick(envs);
  const versions = Object.keys(texts).filter((p) => p.startsWith(`${env}/version/`));
  const version = versions.length > 0 ? rng.pick(versions) : undefined;
  const n = rng.int(1000);
  switch (rng.int(10)) {
    case 0: case 1: case 2:
      if (version !== undefined) texts[version] = `version: "1.${n}"\nimage: registry.example.com/x:1.${n}\nreplicas: 1\n`;
      return;
    case 3: // a new resource
      texts[`${env}/base/team/svc-${n}.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: svc-${n} }\ndata: { v: $version }\n`;
      texts[`${env}/version/team/svc-${n}.yaml`] = `version: "0.${n}"\n`;
      return;
    case 4: // a resource removed, wholly or only its version file
      if (version !== undefined) {
        delete texts[version];
        if (rng.chance(0.7)) delete texts[version.replace('/version/', '/base/')];
      }
      return;
    case 5: // a broken version file, or one with an unknown key
      if (version !== undefined) texts[version] = rng.chance(0.5) ? 'version: [unclosed\n' : `version: "2.${n}"\nversion: "again"\n`;
      return;
    case 6: // the same resource twice
      if (version !== undefined) texts[version.replace(/\.yaml$/, '.yml')] = 'version: "9.9"\n';
      return;
    case 7: // a deployable edited or added
      texts[`${env}/deployable/shared/settings.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { n: "${n}" }\n`;
      return;
    case 8: // a resource renamed: one removed and one added in the same commit
      if (version !== undefined) {
        const base = version.replace('/version/', '/base/');
        const renamed = (path: string) => path.replace(/\.yaml$/, `-${n}.yaml`);
        if (texts[base] !== undefined) texts[renamed(base)] = texts[base];
        texts[renamed(version)] = texts[version] ?? '';
        delete texts[version];
        delete texts[base];
      }
      return;
    default: // files beyond resources: a staging, a lock, deployers.yaml, a stray file
      if (rng.chance(0.3)) {
        const name = `feature-${rng.int(4)}`;
        const choice = rng.int(4);
        if (choice === 0) delete texts[`stagings/${name}.yaml`];
        else if (choice === 1) texts[`stagings/${name}.yaml`] = `kind: feature\ntag: [broken\n`;
        else texts[`stagings/${name}.yaml`] = `kind: feature\ntag: "t${n}"\noverrides: { app: { FLAG: "${n}" } }\n`;
      } else if (rng.chance(0.4)) {
        // Mostly a lock as Cascade writes it, sometimes none, sometimes a broken one (which fails closed).
        const choice = rng.int(4);
        if (choice === 0) delete texts[`${env}/locks.yaml`];
        else if (choice === 1) texts[`${env}/locks.yaml`] = `locks:\n  env: { reason: r${n}, by: qa }\n`;
        else texts[`${env}/locks.yaml`] = `env_lock: { reasons: ["freeze ${n}"] }\nresource_locks:\n  shop/cart: { reasons: ["incident ${n}"] }\n`;
      }
      else if (rng.chance(0.5)) texts[`${env}/notes-${n}.txt`] = 'x';
      else texts['deployers.yaml'] = `deployers:\n  dev: { target: local, namespace: dev-${n} }\n`;
  }
}

describe('patchSnapshotSteps', () => {
  let base: RepoFiles;
  beforeAll(async () => {
    base = await readWorkingTree(examples);
  });

  it('gives the full parse of every commit of random change walks, patching most clean changes', () => {
    let patchedSteps = 0;
    for (let seed = 1; seed <= runs; seed++) {
      const rng = createPrng(seed);
      const texts = repoTexts(base);
      const cache = new Map<string, unknown>();
      let current = parseSnapshot(repoFilesFromText('c0', texts), { cache });
      for (let step = 1; step <= STEPS; step++) {
        change(texts, rng);
        const files = repoFilesFromText(`c${step}`, texts);
        const result = next(current, files, cache);
        // A fresh cache: the full parse must not lean on what the walk parsed before.
        expect(view(result.snapshot), `seed ${seed} step ${step}`).toBe(view(parseSnapshot(files)));
        if (result.patched) patchedSteps++;
        current = result.snapshot;
      }
    }
    // A walk that never patches proves nothing about patching: most steps are clean version changes.
    expect(patchedSteps).toBeGreaterThan((runs * STEPS) / 4);
  }, 300_000);

  it('patches one map edited in place from the edit\'s account of its paths, as a chain of writes does, or leaves it to the full parse', () => {
    let patchedSteps = 0;
    for (let seed = 1; seed <= runs; seed++) {
      const rng = createPrng(seed);
      const texts = repoTexts(base);
      // The write path's chain: one map, edited in place by each write, each head naming what its write changed.
      const files = new Map(repoFilesFromText('c0', texts).files);
      const cache = new Map<string, unknown>();
      let current = parseSnapshot({ commit: 'c0', files }, { cache });
      for (let step = 1; step <= STEPS; step++) {
        const before = { ...texts };
        change(texts, rng);
        const edit: Record<string, string | null> = {};
        for (const path of new Set([...Object.keys(before), ...Object.keys(texts)])) if (before[path] !== texts[path]) edit[path] = texts[path] ?? null;
        const { paths } = applyChangesInPlace(files, edit);
        const head: RepoFiles = { commit: `c${step}`, files, changes: { since: `c${step - 1}`, paths } };
        const patched = runSteps(patchSnapshotSteps(current, head, cache));
        const parsed = parseSnapshot(repoFilesFromText(`c${step}`, texts));
        if (patched !== undefined) {
          expect(view(patched), `seed ${seed} step ${step}`).toBe(view(parsed));
          patchedSteps++;
        }
        current = patched ?? parseSnapshot({ commit: `c${step}`, files }, { cache });
      }
    }
    expect(patchedSteps).toBeGreaterThan((runs * STEPS) / 4);
  }, 300_000);

  it('leaves a map edited in place without an account of its paths to the full parse, never to a comparison with itself', () => {
    const texts = repoTexts(base);
    const files = new Map(repoFilesFromText('c0', texts).files);
    const previous = parseSnapshot({ commit: 'c0', files });
    applyChangesInPlace(files, { 'dev/version/shop/cart.yaml': 'version: "9.0.0"\n' });
    expect(runSteps(patchSnapshotSteps(previous, { commit: 'c1', files }, new Map()))).toBeUndefined();
    expect(runSteps(patchSnapshotSteps(previous, { commit: 'c1', files, changes: { since: 'other', paths: ['dev/version/shop/cart.yaml'] } }, new Map()))).toBeUndefined();
    const patched = runSteps(patchSnapshotSteps(previous, { commit: 'c1', files, changes: { since: 'c0', paths: ['dev/version/shop/cart.yaml'] } }, new Map()));
    expect(patched?.environments.get('dev')?.resources.get('shop/cart')?.version?.version).toBe('9.0.0');
  });

  it('gives the full parse of every repo the fuzzer mutates, or leaves it to the full parse', () => {
    const previous = parseSnapshot(base);
    for (let seed = 1; seed <= runs; seed++) {
      const mutated = mutateRepo(base, seed);
      const patched = runSteps(patchSnapshotSteps(previous, mutated.files, new Map()));
      if (patched !== undefined) expect(view(patched), `seed ${seed}`).toBe(view(parseSnapshot(mutated.files)));
    }
  }, 300_000);

  it('reuses every untouched resource and environment as they were', () => {
    const texts = repoTexts(base);
    const previous = parseSnapshot(repoFilesFromText('c0', texts));
    texts['dev/version/shop/cart.yaml'] = 'version: "9.0.0"\nimage: registry.example.com/shop/cart:9.0.0\nreplicas: 1\n';
    const patched = runSteps(patchSnapshotSteps(previous, repoFilesFromText('c1', texts), new Map()));
    expect(patched?.environments.get('dev')?.resources.get('shop/cart')?.version?.version).toBe('9.0.0');
    expect(patched?.environments.get('pp')).toBe(previous.environments.get('pp'));
    expect(patched?.environments.get('dev')?.resources.get('payments')).toBe(previous.environments.get('dev')?.resources.get('payments'));
  });

  it('renders the untouched resources of a patched snapshot as the very objects rendered before, whatever the cache kept', () => {
    const texts = repoTexts(base);
    const previous = parseSnapshot(repoFilesFromText('c0', texts));
    const before = renderEnvironment(previous, 'dev', new Map());
    texts['dev/version/shop/cart.yaml'] = texts['dev/version/shop/cart.yaml']!.replace(/^version: .*$/m, 'version: "9.0.0"');
    const files = repoFilesFromText('c1', texts);
    const patched = runSteps(patchSnapshotSteps(previous, files, new Map()))!;
    // An empty cache: only the resource objects the patch kept can carry their renders over.
    const after = renderEnvironment(patched, 'dev', new Map());
    expect(after.map((r) => r.name)).toEqual(before.map((r) => r.name));
    for (const [index, rendered] of after.entries()) {
      if (rendered.name === 'shop/cart') expect(rendered).not.toBe(before[index]);
      else expect(rendered, rendered.name).toBe(before[index]);
    }
    expect(after).toEqual(renderEnvironment(parseSnapshot(files), 'dev', new Map()));
    expect(after.find((r) => r.name === 'shop/cart')).toMatchObject({ version: '9.0.0' });
  });
});
