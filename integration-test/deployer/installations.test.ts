// Two Cascade installations on one cluster, both with an environment of the same name and prune on: neither
// may see or delete the other's objects.
import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { useTestNamespace } from '../setup/namespace.ts';
import type { Harness } from './harness.ts';
import { deployersYaml, startHarness } from './harness.ts';

const first = useTestNamespace({ prefix: 'ins-a' });
const second = useTestNamespace({ prefix: 'ins-b' });
const harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name} }\ndata: { a: b }\n`;

describe('installations sharing a cluster', () => {
  it('keep each other\'s objects when both prune an environment of the same name', async () => {
    // The same environment name in both repos, each bound to its own namespace, as two repos with a `dev` would be.
    const env = first.namespace;
    const repoFiles = (namespace: string, name: string) => ({ 'deployers.yaml': deployersYaml(env, namespace), [`${env}/deployable/${name}.yaml`]: configMap(name) });
    const a = await startHarness(first.kc, { commits: [{ name: 'one', files: repoFiles(first.namespace, 'from-a') }] });
    harnesses.push(a);
    const b = await startHarness(second.kc, { commits: [{ name: 'one', files: repoFiles(second.namespace, 'from-b') }] });
    harnesses.push(b);
    expect(a.installation).not.toBe(b.installation);

    // Passes in turn: each one would prune the other's object if it looked beyond its own installation.
    for (let round = 0; round < 2; round++) {
      expect((await a.pass(env)).resources.map((r) => [r.name, r.state])).toEqual([['from-a', 'Clean']]);
      expect((await b.pass(env)).resources.map((r) => [r.name, r.state])).toEqual([['from-b', 'Clean']]);
    }

    expect([a.counts.pruned, b.counts.pruned]).toEqual([0, 0]);
    // Each object was created once and never again: nothing deleted it in between.
    expect([a.counts.applied, b.counts.applied]).toEqual([{ create: 1 }, { create: 1 }]);
    const core = first.kc.makeApiClient(CoreV1Api);
    const fromA = await core.readNamespacedConfigMap({ name: 'from-a', namespace: first.namespace });
    const fromB = await core.readNamespacedConfigMap({ name: 'from-b', namespace: second.namespace });
    expect(fromA.metadata?.labels).toMatchObject({ 'cascade.dev/installation': a.installation, 'cascade.dev/env': env });
    expect(fromB.metadata?.labels).toMatchObject({ 'cascade.dev/installation': b.installation, 'cascade.dev/env': env });
  });

  it('refuses the objects of the old id when the installation id changes, takes them over once relabelled, and never prunes the old id\'s', async () => {
    const env = first.namespace;
    const h = await startHarness(first.kc, { commits: [
      { name: 'both', files: { 'deployers.yaml': deployersYaml(env, first.namespace), [`${env}/deployable/keep.yaml`]: configMap('keep'), [`${env}/deployable/old.yaml`]: configMap('old') } },
      { name: 'removed', files: { [`${env}/deployable/old.yaml`]: null } },
    ], head: 'both' });
    harnesses.push(h);
    await h.pass(env);
    const before = h.installation;

    h.restart('renamed');
    await h.moveTo('removed');
    // The old id's objects are invisible to the new one, and another installation's: `keep` is refused, naming both.
    const refused = await h.pass(env);
    expect(refused.resources.map((r) => [r.name, r.state, r.errors.map((e) => e.code)])).toEqual([['keep', 'Failed', ['owned-elsewhere']]]);
    expect(refused.resources[0]?.errors[0]?.message).toBe(`ConfigMap ${first.namespace}/keep belongs to environment ${env} of installation ${before}; environment ${env} of installation renamed cannot take it over`);
    // Relabelled by hand (as the docs say), it is applied again under the new id; `old` keeps the old id and stays.
    const core = first.kc.makeApiClient(CoreV1Api);
    await core.patchNamespacedConfigMap({ name: 'keep', namespace: first.namespace, body: { metadata: { labels: { 'cascade.dev/installation': 'renamed' } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    const status = await h.pass(env);
    expect(status.resources.map((r) => [r.name, r.state])).toEqual([['keep', 'Clean']]);
    expect(h.counts).toMatchObject({ applied: { create: 2, change: 1 }, pruned: 0 });
    expect((await core.readNamespacedConfigMap({ name: 'keep', namespace: first.namespace })).metadata?.labels?.['cascade.dev/installation']).toBe('renamed');
    expect((await core.readNamespacedConfigMap({ name: 'old', namespace: first.namespace })).metadata?.labels?.['cascade.dev/installation']).toBe(before);
  });
});
