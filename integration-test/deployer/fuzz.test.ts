// Seeded random mutations of examples/shop, each deployed by a real deployer pass to a real cluster: the pass never
// throws, and no object is deleted unless its resource was changed and still rendered. A broken file keeps its objects.
// CASCADE_FUZZ_SEED=<n> runs one seed, CASCADE_FUZZ_RUNS=<n> sets how many (default 300).
import { fileURLToPath } from 'node:url';
import { CoreV1Api } from '@kubernetes/client-node';
import type { DeployerStatus, RepoFiles } from '@cascade/common';
import { blobId, parseSnapshot, readWorkingTree, renderEnvironment } from '@cascade/common';
import { describeMutations, fixtureFiles, heldEnvironments, mutateRepo, touchedResources, type MutatedRepo } from '@cascade/common/testing';
import type { FixtureCommit, FixtureFileContent } from '@cascade/git-fixture';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestNamespace } from '../setup/namespace.ts';
import type { Harness } from './harness.ts';
import { startHarness } from './harness.ts';

const examples = fileURLToPath(new URL('../../examples/shop', import.meta.url));
const runs = Number(process.env['CASCADE_FUZZ_RUNS'] ?? 300);
const only = process.env['CASCADE_FUZZ_SEED'];
const seeds = only !== undefined ? [Number(only)] : Array.from({ length: runs }, (_, i) => i + 1);

const ns = useTestNamespace({ prefix: 'fuzz', scope: 'all' });
let h: Harness | undefined;
const extraNamespaces: string[] = [];
afterAll(async () => {
  await h?.close();
  const core = ns.kc.makeApiClient(CoreV1Api);
  for (const name of extraNamespaces) await core.deleteNamespace({ name }).catch(() => undefined);
});

/** The example repo with dev and pp bound to this test's namespaces, both pruning. */
async function exampleRepo(namespaces: { dev: string; pp: string }): Promise<RepoFiles> {
  const repo = await readWorkingTree(examples);
  const content = new TextEncoder().encode(`deployers:\n  dev: { target: local, namespace: ${namespaces.dev}, prune: true }\n  pp: { target: local, namespace: ${namespaces.pp}, prune: true }\n`);
  repo.files.set('deployers.yaml', { path: 'deployers.yaml', kind: 'file', oid: blobId(content), size: content.byteLength, content });
  return repo;
}

/** The example repo as the files of a fixture's first commit. */
function asFixtureFiles(repo: RepoFiles): Record<string, FixtureFileContent> {
  const decoder = new TextDecoder();
  return Object.fromEntries([...repo.files.values()].map((f) => [f.path, decoder.decode(f.content)]));
}

/** Kinds the baseline renders, to list the live objects with. */
function renderedKinds(repo: RepoFiles): Array<{ apiVersion: string; kind: string }> {
  const snapshot = parseSnapshot(repo);
  const kinds = new Map<string, { apiVersion: string; kind: string }>();
  for (const env of ['dev', 'pp']) {
    for (const r of renderEnvironment(snapshot, env)) if (r.ok) for (const m of r.manifests) kinds.set(`${m.apiVersion}/${m.kind}`, { apiVersion: String(m.apiVersion), kind: String(m.kind) });
  }
  return [...kinds.values()];
}

/** Live objects this installation applied, by `Kind namespace/name`, with uid, environment and resource. */
async function liveObjects(harness: Harness, kinds: Array<{ apiVersion: string; kind: string }>): Promise<Map<string, { uid: string; env: string; resource: string }>> {
  const objects = new Map<string, { uid: string; env: string; resource: string }>();
  for (const { apiVersion, kind } of kinds) {
    for (const o of await harness.client.listAll(apiVersion, kind, `cascade.dev/installation=${harness.installation}`)) {
      const metadata = o.metadata as { name: string; namespace: string; uid: string; labels?: Record<string, string>; annotations?: Record<string, string> };
      const resource = metadata.annotations?.['cascade.dev/resource'];
      // The inventory ConfigMap carries the installation label too, but belongs to no resource.
      if (resource === undefined) continue;
      objects.set(`${kind} ${metadata.namespace}/${metadata.name}`, { uid: metadata.uid, env: metadata.labels?.['cascade.dev/env'] ?? '', resource });
    }
  }
  return objects;
}

/** Objects that went away though nothing allowed it: their resource was untouched, broken, or in an environment holding pruning. */
function wronglyDeleted(before: Map<string, { uid: string; env: string; resource: string }>, after: Map<string, { uid: string }>, mutated: MutatedRepo, status: DeployerStatus): string[] {
  const touched = touchedResources(mutated);
  const held = heldEnvironments(mutated);
  return [...before].filter(([key, object]) => {
    if (after.get(key)?.uid === object.uid) return false;
    const reported = status.environments.find((e) => e.env === object.env)?.resources.find((r) => r.name === object.resource);
    // A changed resource that still renders may rename or drop its objects; anything else must keep them.
    const changedAndRendered = touched.has(`${object.env}/${object.resource}`) && !held.has(object.env) && reported !== undefined && reported.errors.length === 0;
    return !changedAndRendered;
  }).map(([key]) => key);
}

describe('fuzzed repos against a real cluster', () => {
  it(`deploys ${seeds.length} seeded mutations of the example repo without throwing or deleting what it must keep`, async () => {
    const namespaces = { dev: ns.namespace, pp: `${ns.namespace}-pp` };
    extraNamespaces.push(namespaces.pp);
    const original = await exampleRepo(namespaces);
    const mutants = seeds.map((seed) => mutateRepo(original, seed, { gitSafe: true }));
    const commits: FixtureCommit[] = [
      { name: 'baseline', files: asFixtureFiles(original) },
      ...mutants.map((m) => ({ name: `seed-${m.seed}`, parent: 'baseline', files: fixtureFiles(original, m) })),
    ];
    // Mutated namespaces in deployers.yaml must not reach the rest of the cluster.
    h = await startHarness(ns.kc, { commits, head: 'baseline' }, { allowedNamespaces: [`${ns.namespace}*`] });
    const kinds = renderedKinds(original);
    const failures: string[] = [];
    let before: Awaited<ReturnType<typeof liveObjects>> | undefined;
    for (const mutated of mutants) {
      // Back to the baseline only when the last mutation changed the cluster; most only fail to render.
      if (before === undefined) {
        await h.moveTo('baseline');
        const baseline = await h.core.pass();
        expect(baseline.environments.map((e) => (e.state === 'Failed' ? e : e.env))).toEqual(['dev', 'pp']);
        before = await liveObjects(h, kinds);
      }
      const changes = () => h!.counts.pruned + Object.values(h!.counts.applied).reduce((a, b) => a + b, 0);
      const changesBefore = changes();
      await h.moveTo(`seed-${mutated.seed}`);
      try {
        const status = await h.core.pass();
        const deleted = wronglyDeleted(before, await liveObjects(h, kinds), mutated, status);
        if (deleted.length > 0) failures.push(`${describeMutations(mutated)}\n  deleted ${deleted.join(', ')}`);
      } catch (error) {
        failures.push(`${describeMutations(mutated)}\n  the pass threw: ${error instanceof Error ? error.stack : String(error)}`);
      }
      if (changes() !== changesBefore) before = undefined;
    }
    expect(failures).toEqual([]);
  }, 1_800_000);
});
