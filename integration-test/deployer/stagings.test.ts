// Stagings on a real cluster: each in a namespace of its own, created, updated, archived (workloads and pods gone,
// volumes kept), restored onto the same volumes and cleaned up; held files and foreign namespaces left alone.
// The local control plane runs kube-controller-manager (garbage collector, PV binder, namespace controller) and kwok
// nodes that run pods, so pods really go with their owners and claims really bind.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import type { DeployerStatus, StagingStatus } from '@cascade/common';
import { parseConfig } from '@cascade/common/config';
import { encryptSopsYaml, generateAgeIdentity } from '@cascade/common/secrets';
import { createLogger } from '@cascade/common/service';
import { startDeployer } from '@cascade/deployer';
import { createFixture } from '@cascade/git-fixture';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { useTestNamespace } from '../setup/namespace.ts';
import { waitUntil } from '../setup/wait.ts';
import type { Harness } from './harness.ts';
import { deployersYaml, deploymentBase, serviceConfigText, startHarness, versionYaml } from './harness.ts';

const ns = useTestNamespace({ prefix: 'stg' });
let h: Harness | undefined;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  await h?.close();
  h = undefined;
});

/** Deletes the namespace after the test (deletion finishes in the background). */
function removeAfterwards(namespace: string): void {
  cleanups.push(() => ns.kc.makeApiClient(CoreV1Api).deleteNamespace({ name: namespace }));
}

/** stagings.yaml with one kind `feature` copying the test's environment into `<test namespace>-<name>`. */
function kindsYaml(env: string, pattern = `${ns.namespace}-{name}`): string {
  return `stagings:\n  feature: { template: ${env}, target: local, namespace: "${pattern}", baseDomain: shop.example.com }\n`;
}

/** A staging file; `state` active unless given. */
function stagingYaml(tag: string, flag: string, state = 'active'): string {
  return `kind: feature\ntag: "${tag}"\noverrides:\n  app: { FLAG: "${flag}" }\n  deployment: { replicas: 1 }\nstate: ${state}\n`;
}

/** A StatefulSet with a claim template of the test's storage class, and its headless Service. */
function databaseBase(storageClass: string): string {
  return `apiVersion: v1
kind: Service
metadata: { name: db }
spec: { clusterIP: None, selector: { app: db }, ports: [{ port: 5432 }] }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
spec:
  serviceName: db
  replicas: 1
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec:
      containers:
        - name: db
          image: "registry.k8s.io/pause:3.10"
          envFrom: [{ configMapRef: { name: cascade-app, optional: true } }]
          volumeMounts: [{ name: data, mountPath: /data }]
  volumeClaimTemplates:
    - metadata: { name: data }
      spec: { storageClassName: ${storageClass}, accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }
`;
}

/** The template environment: a Deployment, a StatefulSet with a volume, and a plain ConfigMap. */
function templateFiles(env: string, storageClass: string): Record<string, string> {
  return {
    'deployers.yaml': deployersYaml(env, env),
    [`${env}/base/web.yaml`]: deploymentBase('web'),
    [`${env}/version/web.yaml`]: versionYaml('1.0', 2),
    [`${env}/base/db.yaml`]: databaseBase(storageClass),
    [`${env}/version/db.yaml`]: 'version: "1.0"\n',
    [`${env}/deployable/settings.yaml`]: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { mode: shared }\n',
  };
}

/** A PersistentVolume only the test's claims (by storage class) can bind, deleted after the test. */
async function persistentVolume(name: string, storageClass: string): Promise<void> {
  const core = ns.kc.makeApiClient(CoreV1Api);
  await core.createPersistentVolume({ body: {
    metadata: { name },
    spec: { storageClassName: storageClass, capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', hostPath: { path: `/tmp/${name}` } },
  } });
  cleanups.push(() => core.deletePersistentVolume({ name }));
}

/** Runs passes until `check` accepts the staging's status; returns it and every phase seen on the way. */
async function stagingUntil(name: string, what: string, check: (s: StagingStatus) => boolean, timeoutMs = 120_000): Promise<{ status: StagingStatus; phases: string[]; last: DeployerStatus }> {
  const phases: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = await h!.core.pass();
    const status = last.stagings?.find((s) => s.name === name);
    if (status !== undefined && phases.at(-1) !== status.phase) phases.push(status.phase);
    if (status !== undefined && check(status)) return { status, phases, last };
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; phases: ${phases.join(' → ')}; last status: ${JSON.stringify(status, null, 1)}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** Names of the objects of one kind in a namespace. */
async function namesIn(namespace: string): Promise<Record<string, string[]>> {
  const apps = ns.kc.makeApiClient(AppsV1Api);
  const core = ns.kc.makeApiClient(CoreV1Api);
  const names = (list: { items: Array<{ metadata?: { name?: string } }> }) => list.items.map((i) => i.metadata?.name ?? '').sort();
  return {
    Deployment: names(await apps.listNamespacedDeployment({ namespace })),
    StatefulSet: names(await apps.listNamespacedStatefulSet({ namespace })),
    ReplicaSet: names(await apps.listNamespacedReplicaSet({ namespace })),
    Pod: names(await core.listNamespacedPod({ namespace })),
    PersistentVolumeClaim: names(await core.listNamespacedPersistentVolumeClaim({ namespace })),
    ConfigMap: names(await core.listNamespacedConfigMap({ namespace })).filter((n) => !n.startsWith('cascade-inventory-') && n !== 'kube-root-ca.crt'),
    Service: names(await core.listNamespacedService({ namespace })),
  };
}

describe('stagings on a kubernetes target', () => {
  it('creates, updates, archives, restores and cleans up a staging in a namespace of its own', async () => {
    const env = ns.namespace;
    const target = `${ns.namespace}-fx`;
    const storageClass = `${ns.namespace}-sc`;
    removeAfterwards(target);
    // One volume for the template environment's claim, one for the staging's.
    await persistentVolume(`${ns.namespace}-pv-env`, storageClass);
    await persistentVolume(`${ns.namespace}-pv-fx`, storageClass);
    h = await startHarness(ns.kc, { commits: [
      { name: 'create', files: { ...templateFiles(env, storageClass), 'stagings.yaml': kindsYaml(env), 'stagings/fx.yaml': stagingYaml('t1', 'on') } },
      { name: 'update', files: { 'stagings/fx.yaml': stagingYaml('t2', 'off') } },
      { name: 'archive', files: { 'stagings/fx.yaml': stagingYaml('t2', 'off', 'archived') } },
      { name: 'restore', files: { 'stagings/fx.yaml': stagingYaml('t2', 'off') } },
      { name: 'cleanup', files: { 'stagings/fx.yaml': stagingYaml('t2', 'off', 'cleanup') } },
    ], head: 'create' });
    const core = ns.kc.makeApiClient(CoreV1Api);
    const apps = ns.kc.makeApiClient(AppsV1Api);

    // Create: CreatePending until rolled out, then Running; the namespace is labelled as Cascade's and the staging's.
    const created = await stagingUntil('fx', 'the staging to run', (s) => s.phase === 'Running');
    expect(created.phases).toEqual(['CreatePending', 'Running']);
    expect(created.status).toMatchObject({ kind: 'feature', target: 'local', namespace: target, tag: 't1', commit: h.fixture.commits.create, errors: [] });
    expect(created.status.links).toEqual([{ name: 'fx.shop.example.com', url: 'https://fx.shop.example.com' }]);
    expect(created.status.resources.map((r) => [r.name, r.state, r.liveVersion])).toEqual([['cascade/app-config', 'Clean', undefined], ['db', 'Clean', 't1'], ['settings', 'Clean', undefined], ['web', 'Clean', 't1']]);
    expect((await core.readNamespace({ name: target })).metadata?.labels).toMatchObject({ 'cascade.dev/staging': 'fx', 'cascade.dev/installation': h.installation, 'app.kubernetes.io/managed-by': 'cascade' });
    const web = await apps.readNamespacedDeployment({ name: 'web', namespace: target });
    expect([web.spec?.replicas, web.metadata?.annotations?.['cascade.dev/version'], web.spec?.template.metadata?.labels?.['version']]).toEqual([1, 't1', 't1']);
    expect((await core.readNamespacedConfigMap({ name: 'cascade-app', namespace: target })).data).toEqual({ FLAG: 'on' });
    // The template environment is deployed as it is, in its own namespace.
    expect(created.last.environments.map((e) => [e.env, e.state])).toEqual([[env, 'Clean']]);
    expect((await apps.readNamespacedDeployment({ name: 'web', namespace: env })).spec?.replicas).toBe(2);
    const volumeClaim = await core.readNamespacedPersistentVolumeClaim({ name: 'data-db-0', namespace: target });
    expect(volumeClaim.status?.phase).toBe('Bound');

    // Update: only the difference is applied: the objects carrying the tag (web's Deployment, db's StatefulSet and
    // Service, through the version annotation) and the app config with the flag; `settings` is left as it was.
    const before = { ...h.counts.applied };
    await h.moveTo('update');
    const updated = await stagingUntil('fx', 'the update to roll out', (s) => s.phase === 'Running' && s.commit === h!.fixture.commits.update);
    expect(updated.phases).toEqual(['UpdatePending', 'Running']);
    expect({ create: (h.counts.applied['create'] ?? 0) - (before['create'] ?? 0), change: (h.counts.applied['change'] ?? 0) - (before['change'] ?? 0) }).toEqual({ create: 0, change: 4 });
    expect((await core.readNamespacedConfigMap({ name: 'cascade-app', namespace: target })).data).toEqual({ FLAG: 'off' });
    expect((await core.readNamespacedConfigMap({ name: 'settings', namespace: target })).metadata?.annotations?.['cascade.dev/commit']).toBe(h.fixture.commits.create);

    // Archive: workloads go with their pods (garbage collector), the claim stays bound, config and services stay.
    await h.moveTo('archive');
    const archived = await stagingUntil('fx', 'the archive to finish', (s) => s.phase === 'Archived');
    expect(archived.phases.filter((p) => p !== 'ArchivePending')).toEqual(['Archived']);
    expect(archived.status.links).toEqual([]);
    expect(await namesIn(target)).toEqual({
      Deployment: [], StatefulSet: [], ReplicaSet: [], Pod: [],
      PersistentVolumeClaim: ['data-db-0'], ConfigMap: ['cascade-app', 'settings'], Service: ['db'],
    });
    const kept = await core.readNamespacedPersistentVolumeClaim({ name: 'data-db-0', namespace: target });
    expect([kept.metadata?.uid, kept.status?.phase]).toEqual([volumeClaim.metadata?.uid, 'Bound']);

    // Restore: everything again, the StatefulSet back on the same claim.
    await h.moveTo('restore');
    const restored = await stagingUntil('fx', 'the restore to roll out', (s) => s.phase === 'Running');
    expect(restored.phases).toEqual(['UpdatePending', 'Running']);
    expect((await core.readNamespacedPersistentVolumeClaim({ name: 'data-db-0', namespace: target })).metadata?.uid).toBe(volumeClaim.metadata?.uid);
    const pod = await core.readNamespacedPod({ name: 'db-0', namespace: target });
    expect(pod.spec?.volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim?.claimName).toBe('data-db-0');

    // Cleanup: the namespace goes with everything in it; CleanedUp once it is gone.
    await h.moveTo('cleanup');
    const cleaned = await stagingUntil('fx', 'the cleanup to finish', (s) => s.phase === 'CleanedUp');
    expect(cleaned.phases[0]).toBe('CleanupPending');
    await expect(core.readNamespace({ name: target })).rejects.toMatchObject({ code: 404 });
    expect(h.core.actions('fx')?.map((r) => [r.action, r.result])).toEqual([
      ['create', 'succeeded'], ['update', 'succeeded'], ['archive', 'succeeded'], ['restore', 'succeeded'], ['cleanup', 'succeeded'],
    ]);

    // A deployer that starts with an empty data dir reports the cleaned-up staging done at once.
    await h.restartWithEmptyDataDir();
    const again = await h.core.pass();
    expect(again.stagings?.find((s) => s.name === 'fx')?.phase).toBe('CleanedUp');
  });

  it('deploys a good staging next to a held one (unknown kind), for which nothing is created', async () => {
    const env = ns.namespace;
    removeAfterwards(`${ns.namespace}-good`);
    h = await startHarness(ns.kc, { commits: [{ name: 'one', files: {
      'deployers.yaml': deployersYaml(env, env),
      [`${env}/deployable/settings.yaml`]: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { mode: shared }\n',
      'stagings.yaml': kindsYaml(env),
      'stagings/good.yaml': stagingYaml('t1', 'on'),
      'stagings/odd.yaml': 'kind: nonexistent\ntag: "t1"\n',
    } }] });
    const { last } = await stagingUntil('good', 'the good staging to run', (s) => s.phase === 'Running');
    expect(last.stagings?.map((s) => [s.name, s.phase])).toEqual([['good', 'Running'], ['odd', 'Held']]);
    expect(last.stagings?.find((s) => s.name === 'odd')).toMatchObject({ reason: expect.stringContaining('kind "nonexistent" is not defined'), errors: [{ code: 'staging-unknown-kind', file: 'stagings/odd.yaml' }] });
    const core = ns.kc.makeApiClient(CoreV1Api);
    expect((await core.readNamespacedConfigMap({ name: 'settings', namespace: `${ns.namespace}-good` })).data).toEqual({ mode: 'shared' });
    await expect(core.readNamespace({ name: `${ns.namespace}-odd` })).rejects.toMatchObject({ code: 404 });
  });

  it('holds a staging whose namespace is an environment\'s, and leaves the environment as it is', async () => {
    const env = ns.namespace;
    // The pattern `<first part>-{name}` gives the staging named like the rest exactly the environment's namespace.
    const [prefix, ...rest] = ns.namespace.split('-');
    const name = rest.join('-');
    h = await startHarness(ns.kc, { commits: [{ name: 'one', files: {
      'deployers.yaml': deployersYaml(env, env),
      [`${env}/deployable/settings.yaml`]: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { mode: shared }\n',
      'stagings.yaml': kindsYaml(env, `${prefix}-{name}`),
      [`stagings/${name}.yaml`]: stagingYaml('t1', 'on'),
    } }] });
    const status = await h.core.pass();
    expect(status.environments.map((e) => [e.env, e.state])).toEqual([[env, 'Clean']]);
    expect(status.stagings?.map((s) => [s.name, s.phase, s.errors.map((e) => e.code)])).toEqual([[name, 'Held', ['staging-namespace-taken']]]);
    const core = ns.kc.makeApiClient(CoreV1Api);
    // Nothing of the staging landed in the environment's namespace, and the environment's objects are as they were.
    await expect(core.readNamespacedConfigMap({ name: 'cascade-app', namespace: env })).rejects.toMatchObject({ code: 404 });
    expect((await core.readNamespacedConfigMap({ name: 'settings', namespace: env })).metadata?.labels?.['cascade.dev/env']).toBe(env);
    expect((await core.readNamespace({ name: env })).metadata?.labels?.['cascade.dev/staging']).toBeUndefined();
  });

  it('neither deploys into nor deletes a namespace that exists but is not Cascade\'s', async () => {
    const env = ns.namespace;
    const foreign = `${ns.namespace}-own`;
    const core = ns.kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: foreign, labels: { team: 'payments' } } } });
    removeAfterwards(foreign);
    await core.createNamespacedConfigMap({ namespace: foreign, body: { metadata: { name: 'theirs' }, data: { keep: 'me' } } });
    h = await startHarness(ns.kc, { commits: [
      { name: 'active', files: {
        'deployers.yaml': deployersYaml(env, env),
        [`${env}/deployable/settings.yaml`]: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { mode: shared }\n',
        'stagings.yaml': kindsYaml(env),
        'stagings/own.yaml': stagingYaml('t1', 'on'),
      } },
      { name: 'cleanup', files: { 'stagings/own.yaml': stagingYaml('t1', 'on', 'cleanup') } },
    ], head: 'active' });
    const active = (await h.core.pass()).stagings?.find((s) => s.name === 'own');
    expect(active).toMatchObject({ phase: 'Failure', errors: [{ code: 'namespace-not-owned' }], reason: expect.stringContaining('Cascade did not create it') });
    await expect(core.readNamespacedConfigMap({ name: 'cascade-app', namespace: foreign })).rejects.toMatchObject({ code: 404 });

    await h.moveTo('cleanup');
    const cleanup = (await h.core.pass()).stagings?.find((s) => s.name === 'own');
    expect(cleanup).toMatchObject({ phase: 'CleanupFailed', errors: [{ code: 'namespace-not-owned' }], reason: expect.stringContaining('not created by Cascade') });
    const still = await core.readNamespace({ name: foreign });
    expect([still.metadata?.deletionTimestamp, still.status?.phase]).toEqual([undefined, 'Active']);
    expect((await core.readNamespacedConfigMap({ name: 'theirs', namespace: foreign })).data).toEqual({ keep: 'me' });
  });

  it('refuses a staging namespace the target\'s policy does not allow, creating and applying nothing', async () => {
    const env = ns.namespace;
    h = await startHarness(ns.kc, { commits: [{ name: 'one', files: {
      'deployers.yaml': deployersYaml(env, env),
      [`${env}/deployable/settings.yaml`]: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { mode: shared }\n',
      'stagings.yaml': kindsYaml(env),
      'stagings/fx.yaml': stagingYaml('t1', 'on'),
    } }] }, { allowedNamespaces: [env] });
    const status = await h.core.pass();
    expect(status.environments.map((e) => [e.env, e.state])).toEqual([[env, 'Clean']]);
    expect(status.stagings?.find((s) => s.name === 'fx')).toMatchObject({ phase: 'Failure', errors: [{ code: 'namespace-not-allowed', message: expect.stringContaining('allowedNamespaces') }] });
    await expect(ns.kc.makeApiClient(CoreV1Api).readNamespace({ name: `${ns.namespace}-fx` })).rejects.toMatchObject({ code: 404 });
  });

  it('runs as a service: a staging\'s secrets reach its Secret and nothing else, applied once under selfHeal, its steps kept in the data dir', async () => {
    const env = ns.namespace;
    const target = `${ns.namespace}-fx`;
    removeAfterwards(target);
    const canary = `stagingcanary${Date.now().toString(36)}`;
    const key = await generateAgeIdentity(new Date('2026-05-06T07:08:09Z'));
    const file = 'stagings/fx.yaml';
    const encrypted = await encryptSopsYaml(`kind: feature\ntag: "t1"\nsecrets:\n  app: { STRIPE_KEY: ${canary} }\n`, { file, recipients: [key.recipient], rule: { field: 'encrypted_regex', value: '^secrets$' }, now: new Date('2026-05-06T07:08:09Z') });
    const fixture = await createFixture({ commits: [{ name: 'one', files: {
      'deployers.yaml': deployersYaml(env, env, 'prune: true, selfHeal: true'),
      [`${env}/deployable/settings.yaml`]: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { mode: shared }\n',
      'stagings.yaml': kindsYaml(env),
      [file]: encrypted,
    } }] });
    const dir = await mkdtemp(join(tmpdir(), 'cascade-stagings-service-'));
    cleanups.push(async () => {
      await fixture.cleanup();
      await rm(dir, { recursive: true, force: true });
    });
    const keyFile = join(dir, 'age.key');
    await writeFile(keyFile, key.identityFile, { mode: 0o600 });
    const configFile = join(dir, 'cascade.yaml');
    const text = serviceConfigText(fixture, inject('kubeconfig'), 'debug', `secrets: { ageIdentityFile: ${keyFile} }\n`);
    const logs: string[] = [];
    const running = await startDeployer(parseConfig(text, { file: configFile }), { logger: createLogger({ level: 'debug', format: 'json', sink: (line) => logs.push(line) }) });
    let stopped: Promise<void> | undefined;
    const stop = () => (stopped ??= running.stop());
    cleanups.push(stop);
    const refresh = async () => {
      await fetch(`${running.url}/refresh?wait=true`, { method: 'POST' });
      return (await (await fetch(`${running.url}/status`)).json()) as DeployerStatus;
    };
    await waitUntil('the staging to run', async () => ((await refresh()).stagings?.find((s) => s.name === 'fx')?.phase === 'Running' ? true : undefined), { timeoutMs: 60_000 });

    const core = ns.kc.makeApiClient(CoreV1Api);
    const secret = await core.readNamespacedSecret({ name: 'cascade-app-secrets', namespace: target });
    expect(secret.data).toEqual({ STRIPE_KEY: Buffer.from(canary).toString('base64') });
    // The Secret reads back as applied (the server keeps only `data`): more passes under selfHeal leave it alone.
    await refresh();
    await refresh();
    expect((await core.readNamespacedSecret({ name: 'cascade-app-secrets', namespace: target })).metadata?.resourceVersion).toBe(secret.metadata?.resourceVersion);

    const status = await (await fetch(`${running.url}/status`)).text();
    for (const [name, output] of Object.entries({ status, logs: logs.join('\n') })) {
      expect([name, output.includes(canary) || output.includes(Buffer.from(canary).toString('base64'))]).toEqual([name, false]);
    }
    await stop();
    const kept = JSON.parse(await readFile(join(dir, '.cascade', 'deployer', 'stagings', 'fx.json'), 'utf8')) as { phase: string; records: Array<{ action: string; result: string }> };
    expect([kept.phase, kept.records.map((r) => [r.action, r.result])]).toEqual(['Running', [['create', 'succeeded']]]);
  });
});
