// The deployer watching the real cluster: rollouts and hand changes are seen from watch events, not from polls;
// the watch survives a broken connection and an expired resourceVersion; a periodic full reconcile catches what events missed.
import type { Manifest } from '@cascade/common';
import { ManualClock, silentLogger, systemClock } from '@cascade/common/service';
import * as https from 'node:https';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { CascadeObjectApi } from '@cascade/deployer';
import { ENV_LABEL, INSTALLATION_LABEL, KindWatch, ObjectStore, RESOURCE_LABEL, ResourceNames, createKubeWatchSource, environmentSelector } from '@cascade/deployer/kubernetes';
import type { WatchNews, WatchSource, WatchSpec } from '@cascade/deployer/kubernetes';
import { useTestNamespace } from '../setup/namespace.ts';
import { waitUntil } from '../setup/wait.ts';
import { deployersYaml, deploymentBase, versionYaml } from './harness.ts';
import type { TcpProxy, WatchingDeployer } from './watch-harness.ts';
import { startTcpProxy, startWatchingDeployer } from './watch-harness.ts';

const ns = useTestNamespace({ prefix: 'dwt' });
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const settings = (mode: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { mode: ${mode} }\n`;

/** A running watching deployer over one selfHeal environment holding ConfigMap `settings`, once it reports Clean. */
async function deployedSettings(options: Parameters<typeof startWatchingDeployer>[2] = {}, kc = ns.kc): Promise<WatchingDeployer> {
  const env = ns.namespace;
  const w = await startWatchingDeployer(kc, { commits: [{ name: 'one', files: {
    'deployers.yaml': deployersYaml(env, ns.namespace, 'prune: true, selfHeal: true'),
    [`${env}/deployable/settings.yaml`]: settings('a'),
  } }] }, options);
  cleanups.push(() => w.stop());
  await waitUntil('the environment to be deployed', async () => (stateOf(w) === 'Clean' ? true : undefined));
  return w;
}

function stateOf(w: WatchingDeployer): string | undefined {
  return w.deployer.status().environments.find((e) => e.env === ns.namespace)?.state;
}

async function readSettings(): Promise<{ uid?: string; mode?: string } | undefined> {
  try {
    const cm = await ns.kc.makeApiClient(CoreV1Api).readNamespacedConfigMap({ name: 'settings', namespace: ns.namespace });
    return { ...(cm.metadata?.uid ? { uid: cm.metadata.uid } : {}), ...(cm.data?.mode ? { mode: cm.data.mode } : {}) };
  } catch {
    return undefined;
  }
}

async function editSettingsByHand(mode: string): Promise<void> {
  await ns.kc.makeApiClient(CoreV1Api).patchNamespacedConfigMap({ name: 'settings', namespace: ns.namespace, fieldManager: 'someone-by-hand', body: [{ op: 'replace', path: '/data/mode', value: mode }] });
}

describe('deployer watching the cluster', () => {
  it('reports a rollout Clean from watch events without polling, and tells the transitioner as it changes', async () => {
    const env = ns.namespace;
    const w = await startWatchingDeployer(ns.kc, { commits: [{ name: 'one', files: {
      'deployers.yaml': deployersYaml(env, ns.namespace),
      [`${env}/base/web.yaml`]: deploymentBase('web'),
      [`${env}/version/web.yaml`]: versionYaml('1', 2),
    } }] });
    cleanups.push(() => w.stop());
    await waitUntil('web to be reported Clean', async () => (stateOf(w) === 'Clean' ? true : undefined));
    // One fetch: the first pass. Everything after it came from events; the poll is an hour away and nobody refreshed.
    expect(w.fetches()).toBe(1);
    const states = w.notices.map((n) => n.states[env]);
    expect(states[0]).not.toBe('Clean');
    expect(states[states.length - 1]).toBe('Clean');
    expect(w.applied).toEqual({ create: 1 });
  });

  it('restores an object deleted by hand from the delete event (selfHeal), without polling', async () => {
    const w = await deployedSettings();
    const before = await readSettings();
    await ns.kc.makeApiClient(CoreV1Api).deleteNamespacedConfigMap({ name: 'settings', namespace: ns.namespace });
    const restored = await waitUntil('settings to be restored', async () => {
      const now = await readSettings();
      return now !== undefined && now.uid !== before?.uid ? now : undefined;
    });
    expect(restored.mode).toBe('a');
    expect(w.fetches()).toBe(1);
    expect(w.applied).toEqual({ create: 2 });
  });

  it('puts a hand edit back from the change event (selfHeal), without polling', async () => {
    const w = await deployedSettings();
    await editSettingsByHand('hand');
    await waitUntil('the hand edit to be put back', async () => ((await readSettings())?.mode === 'a' ? true : undefined));
    // The cluster shows the object healed a moment before the deployer's apply returns and counts it.
    await waitUntil('the heal to be counted', async () => (w.applied['drift'] !== undefined ? true : undefined));
    expect(w.fetches()).toBe(1);
    expect(w.applied).toEqual({ create: 1, drift: 1 });
  });

  it('watches again after the API server connection broke and refused for a while, and sees a later change', async () => {
    const proxy: TcpProxy = await startTcpProxy(ns.kc);
    cleanups.push(() => proxy.close());
    const w = await deployedSettings({}, proxy.kubeConfig);
    // Every connection, the watches' streams with them, is cut; reconnecting fails until the proxy accepts again.
    proxy.refuse();
    await waitUntil('the deployer to try to reconnect', async () => (proxy.refused >= 2 ? true : undefined), { timeoutMs: 30_000 });
    proxy.accept();
    await ns.kc.makeApiClient(CoreV1Api).deleteNamespacedConfigMap({ name: 'settings', namespace: ns.namespace });
    await waitUntil('settings to be restored through the proxy', async () => ((await readSettings()) !== undefined ? true : undefined));
    expect(w.fetches()).toBe(1);
    expect(w.applied).toEqual({ create: 2 });
  });

  it('streams watches over the client connection pool: the next watch goes on the connection the last one ended on', async () => {
    const client = CascadeObjectApi.forConfig(ns.kc);
    cleanups.push(() => client.close());
    const real = createKubeWatchSource({ kubeConfig: ns.kc, objects: client, names: new ResourceNames(client), timeoutSeconds: () => 2 });
    let watchesOpened = 0;
    const source: WatchSource = { list: (spec, onPage) => real.list(spec, onPage), watch: (...args) => (watchesOpened++, real.watch(...args)) };
    const news: WatchNews[] = [];
    const spec: WatchSpec = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns.namespace, labelSelector: environmentSelector('watch-test', ns.namespace) };
    const watch = new KindWatch({ spec, source, clock: systemClock, logger: silentLogger, onNews: (n) => void news.push(n) });
    cleanups.push(() => watch.stop());
    watch.start();
    await waitUntil('the watch to be synced', async () => (watch.synced && watchesOpened > 0 ? true : undefined));
    const labels = { [INSTALLATION_LABEL]: 'watch-test', [ENV_LABEL]: ns.namespace, [RESOURCE_LABEL]: 'pooled' };
    await client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pooled', namespace: ns.namespace, labels }, data: { mode: 'a' } });
    await waitUntil('the watch to see the object', async () => (news.some((n) => n.kind === 'changed' && n.changes.some((c) => c.type === 'added')) ? true : undefined));
    // The server ends each watch after its 2 s; the ones after it reuse the stream connection.
    await waitUntil('two more watches', async () => (watchesOpened >= 3 ? true : undefined), { timeoutMs: 30_000 });
    expect(client.transport!.streamConnectionsOpened).toBe(1);
  });

  it('lists afresh when the API server answers the watch with 410 Gone for a resourceVersion it no longer has', { timeout: 280_000 }, async () => {
    const client = CascadeObjectApi.forConfig(ns.kc);
    const selector = environmentSelector('watch-test', ns.namespace);
    const labels = { [INSTALLATION_LABEL]: 'watch-test', [ENV_LABEL]: ns.namespace, [RESOURCE_LABEL]: 'fresh' };
    await client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fresh', namespace: ns.namespace, labels }, data: { mode: 'a' } });
    const real = createKubeWatchSource({ kubeConfig: ns.kc, objects: client, names: new ResourceNames(client) });
    const watchedFrom: string[] = [];
    let lists = 0;
    const source: WatchSource = {
      list: (spec, onPage) => (lists++, real.list(spec, onPage)),
      watch: (spec, resourceVersion, onEvent, done) => (watchedFrom.push(resourceVersion), real.watch(spec, resourceVersion, onEvent, done)),
    };
    // Resuming from resourceVersion 1, long gone, with an object that no longer exists. A young cluster's watch cache
    // still reaches back to it; changes in another object push it out of the window (and etcd compacts it away).
    const core = ns.kc.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: ns.namespace, body: { metadata: { name: 'churn' }, data: { n: '0' } } });
    let churned = 0;
    await waitUntil('a watch from resourceVersion 1 to be answered with 410 Gone', async () => {
      if (await watchFromOneIsGone(ns.kc, ns.namespace)) return true;
      for (let i = 0; i < 100; i++) await core.replaceNamespacedConfigMap({ name: 'churn', namespace: ns.namespace, body: { metadata: { name: 'churn' }, data: { n: String(++churned) } } });
      return undefined;
    }, { timeoutMs: 200_000, intervalMs: 1000 });
    const store = new ObjectStore();
    const stale: Manifest = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gone', namespace: ns.namespace, resourceVersion: '1' } };
    store.replace([stale], '1');
    const news: WatchNews[] = [];
    const spec: WatchSpec = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns.namespace, labelSelector: selector };
    const watch = new KindWatch({ spec, source, clock: systemClock, logger: silentLogger, onNews: (n) => void news.push(n), store });
    cleanups.push(() => watch.stop());
    watch.start();
    await waitUntil('the watch to list afresh and watch again', async () => (watchedFrom.length >= 2 ? true : undefined));
    expect(watchedFrom[0]).toBe('1');
    expect(lists).toBe(1);
    expect(watch.store.values().map((o) => (o.metadata as { name: string }).name).filter((name) => name !== 'churn')).toEqual(['fresh']);
    expect(news).toEqual([{ kind: 'changed', changes: [expect.objectContaining({ type: 'added' }), { type: 'deleted', object: stale }] }]);
  });

  it('corrects a change whose events were lost at the periodic full reconcile', async () => {
    const clock = new ManualClock(new Date());
    let losing = false;
    // What the relists of ConfigMaps did: confirmed from names and versions alone, or read whole.
    const relists: string[] = [];
    const source = (objects: CascadeObjectApi, names: ResourceNames): WatchSource => {
      const real = createKubeWatchSource({ kubeConfig: ns.kc, objects, names });
      return {
        list: (spec, onPage, held) => (held !== undefined && spec.kind === 'ConfigMap' && relists.push('read whole'), real.list(spec, onPage, held)),
        confirm: async (spec, held, count) => {
          const confirmed = await real.confirm!(spec, held, count);
          if (spec.kind === 'ConfigMap') relists.push(confirmed === undefined ? 'differs' : 'confirmed');
          return confirmed;
        },
        watch: (spec, rv, onEvent, done) => real.watch(spec, rv, (event) => void (losing || onEvent(event)), done),
      };
    };
    const w = await deployedSettings({ clock, reconcileInterval: '10m', source });
    losing = true;
    await editSettingsByHand('hand');
    // Nothing hears of it: the edit stays while no event arrives and no poll is due.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await readSettings())?.mode).toBe('hand');
    expect(w.applied.drift).toBeUndefined();
    await clock.advance(10 * 60_000);
    await waitUntil('the reconcile to put the edit back', async () => ((await readSettings())?.mode === 'a' ? true : undefined));
    expect(w.applied).toEqual({ create: 1, drift: 1 });
    // Put back as the lost event would have been: by a look at the environment, not by a pass over the repo.
    expect(w.fetches()).toBe(1);
    expect(relists).toEqual(['differs', 'read whole']);
    // The reconcile lists one watch at a time, spread over its interval. When the ConfigMaps come round again, the list
    // finds everything as the watch holds it (the edit put back was recorded from the apply's answer, its event lost
    // too): nothing is read whole, and nothing is rendered or deployed again.
    const rendered = w.steps.render;
    await waitUntil('the ConfigMaps to be listed again', async () => {
      if (relists.length >= 3) return true;
      await clock.advance(60_000);
      return undefined;
    });
    // A pass after it finds the environment's inputs as they were: its live objects too.
    await w.deployer.refresh();
    expect(w.steps.render).toBe(rendered);
    expect(w.applied).toEqual({ create: 1, drift: 1 });
    expect(relists).toEqual(['differs', 'read whole', 'confirmed']);
  });
});

/** Whether the API server answers a watch of the namespace's ConfigMaps from resourceVersion 1 with 410 Gone. */
async function watchFromOneIsGone(kc: KubeConfig, namespace: string): Promise<boolean> {
  const cluster = kc.getCurrentCluster()!;
  const options: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(options);
  const url = new URL(`${cluster.server}/api/v1/namespaces/${namespace}/configmaps?watch=1&resourceVersion=1&timeoutSeconds=2`);
  return new Promise((resolve, reject) => {
    const request = https.request(url, { ...options, method: 'GET' }, (response) => {
      if (response.statusCode === 410) return resolve(true);
      let first = '';
      response.on('data', (chunk: Buffer) => {
        first += chunk.toString('utf8');
        const line = first.split('\n')[0];
        if (line === undefined || !first.includes('\n')) return;
        request.destroy();
        const event = JSON.parse(line) as { type?: string; object?: { code?: number } };
        resolve(event.type === 'ERROR' && event.object?.code === 410);
      });
      response.on('end', () => resolve(false));
    });
    request.on('error', (error) => (request.destroyed ? undefined : reject(error)));
    request.end();
  });
}
