// The namespace deployers.yaml names: created when missing, left alone when it exists, never pruned.
import { CoreV1Api } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { useTestNamespace } from '../setup/namespace.ts';
import type { Harness } from './harness.ts';
import { deployersYaml, passUntil, startHarness } from './harness.ts';

const ns = useTestNamespace({ prefix: 'dns' });
let h: Harness | undefined;
const created: string[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  const core = ns.kc.makeApiClient(CoreV1Api);
  for (const name of created.splice(0)) await core.deleteNamespace({ name }).catch(() => undefined);
});

const settings = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { mode: a }\n';

describe("the environment's namespace", () => {
  it('is created when missing, marked as created by Cascade, and the environment deploys into it', async () => {
    const env = ns.namespace;
    const target = `${ns.namespace}-new`;
    created.push(target);
    h = await startHarness(ns.kc, { commits: [{ name: 'one', files: { 'deployers.yaml': deployersYaml(env, target), [`${env}/deployable/settings.yaml`]: settings } }] });
    const status = await passUntil(h, env, 'the environment to be Clean', (s) => s.state === 'Clean');
    expect(status.resources).toEqual([expect.objectContaining({ name: 'settings', state: 'Clean' })]);
    const core = ns.kc.makeApiClient(CoreV1Api);
    const namespace = await core.readNamespace({ name: target });
    expect(namespace.metadata?.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'cascade' });
    expect(namespace.metadata?.labels?.['cascade.dev/env']).toBeUndefined();
    expect((await core.readNamespacedConfigMap({ name: 'settings', namespace: target })).data).toEqual({ mode: 'a' });
  });

  it('leaves an existing namespace exactly as it is', async () => {
    const env = ns.namespace;
    const core = ns.kc.makeApiClient(CoreV1Api);
    const before = await core.readNamespace({ name: ns.namespace });
    h = await startHarness(ns.kc, { commits: [{ name: 'one', files: { 'deployers.yaml': deployersYaml(env, ns.namespace), [`${env}/deployable/settings.yaml`]: settings } }] });
    await passUntil(h, env, 'the environment to be Clean', (s) => s.state === 'Clean');
    const after = await core.readNamespace({ name: ns.namespace });
    expect(after.metadata?.labels).toEqual(before.metadata?.labels);
    expect(after.metadata?.managedFields?.some((f) => f.manager === 'cascade')).toBe(false);
  });

  it('is refused when it is one the operator has not allowed (kube-*, default): nothing is created, applied or pruned there', async () => {
    const env = ns.namespace;
    const core = ns.kc.makeApiClient(CoreV1Api);
    const stray = `kube-${ns.namespace}`.slice(0, 63);
    const inKubeSystem = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cascade-should-not-be-here, namespace: kube-system }\n';
    h = await startHarness(ns.kc, { commits: [
      { name: 'home', files: { 'deployers.yaml': deployersYaml(env, stray), [`${env}/deployable/settings.yaml`]: settings } },
      { name: 'object', files: { 'deployers.yaml': deployersYaml(env, ns.namespace), [`${env}/deployable/sneaky.yaml`]: inKubeSystem } },
    ], head: 'home' });
    const refused = await h.pass(env);
    expect([refused.state, refused.errors?.map((e) => e.code)]).toEqual(['Failed', ['namespace-not-allowed']]);
    await expect(core.readNamespace({ name: stray })).rejects.toMatchObject({ code: 404 });

    await h.moveTo('object');
    const status = await h.pass(env);
    expect(status.resources.map((r) => [r.name, r.errors.map((e) => e.code)])).toEqual([['settings', []], ['sneaky', ['namespace-not-allowed']]]);
    await expect(core.readNamespacedConfigMap({ name: 'cascade-should-not-be-here', namespace: 'kube-system' })).rejects.toMatchObject({ code: 404 });
  });
});
