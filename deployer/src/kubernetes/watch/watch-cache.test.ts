import { describe, expect, it } from 'vitest';
import type { Manifest } from '@cascade/common';
import { ManualClock, silentLogger } from '@cascade/common/service';
import type { KubeConfig } from '@kubernetes/client-node';
import type { CascadeObjectApi, DiscoveredKind } from '../client.ts';
import type { OpenWatch, WatchSource, WatchSpec } from './kind-watch.ts';
import type { WatchEvent } from './object-store.ts';
import { WatchCache } from './watch-cache.ts';

const KINDS: DiscoveredKind[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', resource: 'configmaps', scope: 'Namespaced', verbs: ['list', 'delete', 'watch'] },
  { apiVersion: 'apps/v1', kind: 'Deployment', resource: 'deployments', scope: 'Namespaced', verbs: ['list', 'delete', 'watch'] },
];

/** The part of the client the cache uses: scopes and discovery, as the deployer itself or as a ServiceAccount. */
function fakeClient(user?: string, namespaced = false): CascadeObjectApi {
  return {
    impersonatedUser: user,
    listsPerNamespace: user !== undefined || namespaced,
    scopeOf: async (apiVersion: string, kind: string) => (KINDS.some((k) => k.apiVersion === apiVersion && k.kind === kind) ? 'Namespaced' : undefined),
    discoverPrunableKinds: async () => KINDS,
  } as unknown as CascadeObjectApi;
}

/** Lists answer at once with one object per spec; every watch stays open and is recorded until aborted. */
class Server implements WatchSource {
  readonly open = new Map<string, (event: WatchEvent) => void>();
  readonly listed: WatchSpec[] = [];

  async list(spec: WatchSpec, onPage: (items: Manifest[]) => void): Promise<string> {
    this.listed.push(spec);
    onPage([object(spec.kind, spec.namespace ?? 'dev', 'one', '5')]);
    return '5';
  }

  async watch(spec: WatchSpec, _rv: string, onEvent: (event: WatchEvent) => void, done: (error: unknown) => void): Promise<OpenWatch> {
    const key = `${spec.kind}@${spec.namespace ?? ''}`;
    this.open.set(key, onEvent);
    return { abort: () => void (this.open.delete(key), done(null)) };
  }
}

function object(kind: string, namespace: string, name: string, resourceVersion: string): Manifest {
  return { apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1', kind, metadata: { name, namespace, resourceVersion } };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}

function cacheOver(server: Server, client = fakeClient()) {
  const changes: Array<[string, string]> = [];
  const cache = new WatchCache({
    kubeConfig: {} as KubeConfig, client, installation: 'shop', clock: new ManualClock(), logger: silentLogger,
    onChange: (env, why) => void changes.push([env, why]), source: () => server,
  });
  return { cache, changes };
}

const CM = { apiVersion: 'v1', kind: 'ConfigMap' };
const DEPLOY = { apiVersion: 'apps/v1', kind: 'Deployment' };

describe('WatchCache', () => {
  it('has nothing until its watches are in step, then serves the live objects and reports changes by environment', async () => {
    const server = new Server();
    const { cache, changes } = cacheOver(server);
    const own = fakeClient();
    expect(await cache.live('dev', own, [CM, DEPLOY], ['dev'])).toBeUndefined();
    expect(cache.watching('dev')).toBe(true);
    await until(() => server.open.size === 2);
    // The deployer's own identity watches each kind in the whole cluster, selected by the environment's labels.
    expect(server.listed.map((s) => [s.kind, s.namespace, s.labelSelector])).toEqual([
      ['ConfigMap', undefined, 'cascade.dev/installation=shop,cascade.dev/env=dev,cascade.dev/resource'],
      ['Deployment', undefined, 'cascade.dev/installation=shop,cascade.dev/env=dev,cascade.dev/resource'],
    ]);
    expect((await cache.live('dev', own, [CM, DEPLOY], ['dev']))?.map((o) => o.kind)).toEqual(['ConfigMap', 'Deployment']);
    server.open.get('Deployment@')!({ type: 'MODIFIED', object: object('Deployment', 'dev', 'one', '9') });
    expect(changes).toEqual([['dev', 'watching ConfigMap'], ['dev', 'watching Deployment'], ['dev', 'modified Deployment dev/one']]);
    await cache.close();
    expect(server.open.size).toBe(0);
  });

  it('hands out the objects changed since the last pass read them, once, and nothing it cannot vouch for', async () => {
    const server = new Server();
    const { cache } = cacheOver(server);
    const own = fakeClient();
    await cache.live('dev', own, [CM, DEPLOY], ['dev']);
    // No pass has read the objects yet: what changed since is unknown.
    expect(cache.takeChanges('dev')).toBeUndefined();
    await until(() => server.open.size === 2);
    await cache.live('dev', own, [CM, DEPLOY], ['dev']);
    expect(cache.takeChanges('dev')).toEqual(new Map());
    const moved = object('Deployment', 'dev', 'one', '9');
    server.open.get('Deployment@')!({ type: 'MODIFIED', object: moved });
    expect(cache.takeChanges('dev')).toEqual(new Map([['apps/Deployment/dev/one', moved]]));
    expect(cache.takeChanges('dev')).toEqual(new Map());
    server.open.get('Deployment@')!({ type: 'DELETED', object: object('Deployment', 'dev', 'one', '10') });
    expect(cache.takeChanges('dev')).toEqual(new Map([['apps/Deployment/dev/one', undefined]]));
    // The full reconcile lists one watch at a time, the one read longest ago. While a list is asked for, nothing is
    // vouched for; once it is in, what it found different from what the watch held is handed out as its events would
    // have been (the deletion's event was seen, and the server's list still has the Deployment), and the ConfigMap
    // listed as held is no news.
    const version = cache.liveVersion('dev');
    const configMaps = cache.resyncOldest();
    expect(cache.takeChanges('dev')).toBeUndefined();
    await configMaps;
    expect(server.listed.map((s) => s.kind)).toEqual(['ConfigMap', 'Deployment', 'ConfigMap']);
    expect(cache.takeChanges('dev')).toEqual(new Map());
    expect(cache.liveVersion('dev')).toBe(version);
    await cache.resyncOldest();
    expect(server.listed.map((s) => s.kind)).toEqual(['ConfigMap', 'Deployment', 'ConfigMap', 'Deployment']);
    const listed = cache.takeChanges('dev');
    expect([...(listed ?? new Map()).keys()]).toEqual(['apps/Deployment/dev/one']);
    expect(listed?.get('apps/Deployment/dev/one')?.metadata).toMatchObject({ resourceVersion: '5' });
    expect(cache.liveVersion('dev')).toBe(version! + 1);
    // A round whose lists find everything as held changes nothing: the environment's inputs stay as they were.
    await cache.resyncOldest();
    await cache.resyncOldest();
    expect(server.listed.map((s) => s.kind).slice(4)).toEqual(['ConfigMap', 'Deployment']);
    expect(cache.takeChanges('dev')).toEqual(new Map());
    expect(cache.liveVersion('dev')).toBe(version! + 1);
    await cache.close();
  });

  it('watches per namespace for an impersonated ServiceAccount, as listing would', async () => {
    const server = new Server();
    const { cache } = cacheOver(server);
    await cache.live('prod', fakeClient('system:serviceaccount:prod:deployer'), [CM], ['prod', 'shared']);
    await until(() => server.open.size === 2);
    expect([...server.open.keys()].sort()).toEqual(['ConfigMap@prod', 'ConfigMap@shared']);
    await cache.close();
  });

  it('watches per namespace for a target granted its rights per namespace (namespaced: true)', async () => {
    const server = new Server();
    const { cache } = cacheOver(server);
    await cache.live('prod', fakeClient(undefined, true), [CM], ['prod', 'shared']);
    await until(() => server.open.size === 2);
    expect([...server.open.keys()].sort()).toEqual(['ConfigMap@prod', 'ConfigMap@shared']);
    await cache.close();
  });

  it('stops the watches of kinds no longer asked for, and of environments no longer bound', async () => {
    const server = new Server();
    const { cache } = cacheOver(server);
    await cache.live('dev', fakeClient(), [CM, DEPLOY], ['dev']);
    await cache.live('qa', fakeClient(), [CM], ['qa']);
    await until(() => server.open.size === 2 && server.listed.length === 3);
    await cache.live('dev', fakeClient(), [CM], ['dev']);
    await until(() => !server.open.has('Deployment@'));
    cache.retain(new Set(['dev']));
    expect(cache.watching('qa')).toBe(false);
    expect(cache.watching('dev')).toBe(true);
    await cache.close();
  });

  it('records apply responses so the next pass sees them, and lists afresh on a reconcile step', async () => {
    const server = new Server();
    const { cache } = cacheOver(server);
    await cache.live('dev', fakeClient(), [CM], ['dev']);
    await until(() => server.open.size === 1);
    const applied = object('ConfigMap', 'dev', 'one', '20');
    cache.observe('dev', [applied]);
    expect(await cache.live('dev', fakeClient(), [CM], ['dev'])).toEqual([applied]);
    void cache.resyncOldest();
    await until(() => server.listed.length === 2 && server.open.size === 1);
    // The fresh list was read before the apply answered, so the applied state stays.
    expect(await cache.live('dev', fakeClient(), [CM], ['dev'])).toEqual([applied]);
    await cache.close();
  });

  it('resolves a reconcile step once its list is in, listing the watch read longest ago, a new one last', async () => {
    const server = new Server();
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const list = server.list.bind(server);
    let holding = false;
    let asked = 0;
    server.list = async (spec, onPage) => {
      asked++;
      if (holding) await held;
      return list(spec, onPage);
    };
    let sweeps = 0;
    const own = fakeClient();
    const { cache } = cacheOver(server, { ...own, discoverPrunableKinds: async () => (sweeps++, own.discoverPrunableKinds()) } as CascadeObjectApi);
    expect(cache.watchCount).toBe(0);
    await cache.live('dev', fakeClient(), [CM, DEPLOY], ['dev']);
    await until(() => server.open.size === 2);
    holding = true;
    let resynced = false;
    const resync = cache.resyncOldest().then(() => (resynced = true));
    await until(() => asked === 3);
    // The list is under way: not resynced yet.
    await new Promise((resolve) => setImmediate(resolve));
    expect(resynced).toBe(false);
    release();
    await resync;
    holding = false;
    // A watch started since (another environment's) was listed last: it comes last, after both watches of dev.
    await cache.live('qa', fakeClient(), [CM], ['qa']);
    await until(() => server.listed.length === 4);
    expect(cache.watchCount).toBe(3);
    for (let step = 0; step < 3; step++) await cache.resyncOldest();
    expect(server.listed.slice(4).map((s) => `${s.kind}@${s.labelSelector?.split(',')[1]}`)).toEqual(['Deployment@cascade.dev/env=dev', 'ConfigMap@cascade.dev/env=dev', 'ConfigMap@cascade.dev/env=qa']);
    // Discovery was swept once for the watches; a round of steps later (as many as watches) the next pass sweeps
    // again, so kinds added to the cluster since are found, but not after every step.
    expect(sweeps).toBe(1);
    expect((await cache.live('dev', fakeClient(), [CM, DEPLOY], ['dev']))?.map((o) => o.kind)).toEqual(['ConfigMap', 'Deployment']);
    expect(sweeps).toBe(2);
    await cache.close();
    // A step with nothing watched, or after the watches stopped, does not wait for anything.
    await cache.resyncOldest();
  });
});
