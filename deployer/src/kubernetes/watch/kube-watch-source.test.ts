// Watches against a scripted API server over plain HTTP: they go over the client's connection pool (its stream pool,
// apart from the requests), with the client's credentials and identity, resume from the last resourceVersion after
// the server went away and came back, and list afresh when the server says the resourceVersion is gone.
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiException, KubeConfig } from '@kubernetes/client-node';
import type { Manifest } from '@cascade/common';
import { ManualClock, silentLogger } from '@cascade/common/service';
import { CascadeObjectApi } from '../client.ts';
import { DEFAULT_POOL } from '../http-pool.ts';
import type { WatchNews, WatchSpec } from './kind-watch.ts';
import { KindWatch } from './kind-watch.ts';
import { ResourceNames, createKubeWatchSource } from './kube-watch-source.ts';

const cm = (name: string, resourceVersion: string): Manifest => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'dev', resourceVersion } });
const SPEC: WatchSpec = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'dev', labelSelector: 'cascade.dev/env=dev' };
const line = (type: string, object: Manifest) => `${JSON.stringify({ type, object })}\n`;

/** One watch request the server holds open. */
interface HeldWatch {
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The client's port of the connection it came on: the same port is the same connection. */
  clientPort: number | undefined;
  response: ServerResponse;
}

/** A scripted API server for ConfigMaps in every namespace; it can go away and come back on the same port. */
class FakeApiServer {
  /** What a list answers, once `nextLists` is used up. */
  list = { items: [cm('a', '3')], resourceVersion: '7' };
  readonly nextLists: Array<{ items: Manifest[]; resourceVersion: string }> = [];
  lists = 0;
  /** Objects per page of a list (`limit` asked for is ignored, as a server may); the rest follows a continue token. */
  pageSize = Infinity;
  /** The continue token of each list request, '' for the first page. */
  readonly continues: string[] = [];
  /** The headers of each list request. */
  readonly listHeaders: IncomingHttpHeaders[] = [];
  /** HTTP statuses the next list requests are answered with, one each, instead of a page. */
  readonly listRefusals: number[] = [];
  readonly watches: HeldWatch[] = [];
  /** HTTP statuses the next watch requests are answered with, one each, instead of a stream. */
  readonly watchRefusals: number[] = [];
  /** The resourceVersions of the watch requests refused so. */
  readonly refusedFrom: string[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((request, response) => this.answer(request.url ?? '/', request.headers, request.socket.remotePort, response));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Goes away as a restarting API server does: every connection cut, none accepted until `start`. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
    this.server = undefined;
  }

  get latest(): HeldWatch {
    return this.watches[this.watches.length - 1]!;
  }

  private answer(target: string, headers: IncomingHttpHeaders, clientPort: number | undefined, response: ServerResponse): void {
    const url = new URL(target, 'http://api');
    const json = (status: number, body: unknown): void => void response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/apis') return json(200, { kind: 'APIGroupList', groups: [] });
    if (url.pathname === '/api/v1') {
      return json(200, { kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: ['get', 'list', 'watch', 'delete'] }] });
    }
    if (!/^\/api\/v1\/namespaces\/[^/]+\/configmaps$/.test(url.pathname)) return json(404, { kind: 'Status', status: 'Failure', code: 404, reason: 'NotFound' });
    if (url.searchParams.get('watch') !== 'true') {
      const token = url.searchParams.get('continue') ?? '';
      this.continues.push(token);
      this.listHeaders.push(headers);
      const listRefusal = this.listRefusals.shift();
      if (listRefusal !== undefined) return json(listRefusal, { kind: 'Status', status: 'Failure', code: listRefusal, message: 'configmaps is forbidden: User cannot list resource' });
      if (token === '') this.lists++;
      const list = token === '' ? (this.nextLists.shift() ?? this.list) : this.list;
      const from = token === '' ? 0 : Number(token);
      const to = Math.min(list.items.length, from + this.pageSize);
      const more = to < list.items.length ? { continue: String(to) } : {};
      const items = list.items.slice(from, to);
      // Metadata alone when asked for it, as the API server answers a metadata informer.
      if (headers.accept?.startsWith('application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1') === true) {
        return json(200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: list.resourceVersion, ...more }, items: items.map((o) => ({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata })) });
      }
      return json(200, { kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: list.resourceVersion, ...more }, items });
    }
    const refusal = this.watchRefusals.shift();
    if (refusal !== undefined) this.refusedFrom.push(url.searchParams.get('resourceVersion') ?? '');
    if (refusal !== undefined) return json(refusal, { kind: 'Status', status: 'Failure', code: refusal, message: refusal === 410 ? 'too old resource version: 7 (30)' : 'refused' });
    response.writeHead(200, { 'content-type': 'application/json' }).flushHeaders();
    this.watches.push({ query: url.searchParams, headers, clientPort, response });
  }
}

const servers: FakeApiServer[] = [];
const clients: CascadeObjectApi[] = [];
const watches: KindWatch[] = [];
afterEach(async () => {
  for (const watch of watches.splice(0)) await watch.stop();
  for (const client of clients.splice(0)) await client.close();
  for (const server of servers.splice(0)) await server.stop();
});

async function apiServer(): Promise<FakeApiServer> {
  const server = new FakeApiServer();
  await server.start();
  servers.push(server);
  return server;
}

/** A client of `server` that authenticates with a bearer token, as a kubeconfig user with a token does. */
function clientOf(server: FakeApiServer, pool = DEFAULT_POOL): CascadeObjectApi {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server: server.url, skipTLSVerify: true }],
    users: [{ name: 'deployer', token: 'secret-token' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'deployer' }],
    currentContext: 'fake',
  });
  const client = CascadeObjectApi.forConfig(kc, pool);
  clients.push(client);
  return client;
}

/** A kubeconfig the library's own watch path cannot use: the pooled path must not need it. */
class UnusableKubeConfig extends KubeConfig {
  override applyToFetchOptions(): never {
    throw new Error('the library watch path was used');
  }
}

function started(client: CascadeObjectApi, clock = new ManualClock()) {
  const source = createKubeWatchSource({ kubeConfig: new UnusableKubeConfig(), objects: client, names: new ResourceNames(client), timeoutSeconds: () => 60 });
  const news: WatchNews[] = [];
  const watch = new KindWatch({ spec: SPEC, source, clock, logger: silentLogger, onNews: (n) => void news.push(n) });
  watches.push(watch);
  watch.start();
  return { watch, news, source, clock };
}

async function until(what: string, condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition(), what).toBe(true);
}

describe('watches over the connection pool', () => {
  it('streams events over the pool with the client credentials, and the next watch reuses the connection', async () => {
    const server = await apiServer();
    const client = clientOf(server);
    const { watch, news } = started(client);
    await until('the first watch', () => server.watches.length === 1);
    const first = server.latest;
    expect(Object.fromEntries(first.query)).toEqual({ watch: 'true', resourceVersion: '7', allowWatchBookmarks: 'true', labelSelector: SPEC.labelSelector, timeoutSeconds: '60' });
    expect(first.headers.authorization).toBe('Bearer secret-token');
    // An event split across writes, as a connection may split it, then a bookmark; then the server's timeout ends the stream.
    const added = line('ADDED', cm('b', '8'));
    first.response.write(added.slice(0, 25));
    first.response.write(added.slice(25));
    first.response.write(line('BOOKMARK', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { resourceVersion: '12' } }));
    first.response.end();
    await until('the watch to go on from the bookmark', () => server.watches.length === 2);
    expect(server.latest.query.get('resourceVersion')).toBe('12');
    expect(news).toEqual([{ kind: 'synced' }, { kind: 'changed', changes: [{ type: 'added', object: cm('b', '8') }] }]);
    expect(watch.store.values().map((o) => (o.metadata as { name: string }).name).sort()).toEqual(['a', 'b']);
    // One stream connection for both watches, apart from the request connection the list and discovery used.
    expect(client.transport!.streamConnectionsOpened).toBe(1);
    expect(server.latest.clientPort).toBe(first.clientPort);
    expect(client.transport!.connectionsOpened).toBeGreaterThanOrEqual(1);
    expect(server.lists).toBe(1);
  });

  it('watches as the impersonated user of an impersonating client, over the same pool', async () => {
    const server = await apiServer();
    const client = clientOf(server);
    const user = 'system:serviceaccount:dev:deployer';
    started(client.impersonating(user));
    await until('the watch', () => server.watches.length === 1);
    expect(server.latest.headers['impersonate-user']).toBe(user);
    expect(server.latest.headers.authorization).toBe('Bearer secret-token');
    expect(client.transport!.streamConnectionsOpened).toBe(1);
  });

  it('keeps watches off the request pool, so requests are answered while more watches are open than it has connections', async () => {
    const server = await apiServer();
    const client = clientOf(server, { ...DEFAULT_POOL, connections: 1 });
    for (let i = 0; i < 3; i++) started(client);
    await until('three open watches', () => server.watches.length === 3);
    expect(await client.readObject({ apiVersion: 'v1', kind: 'ConfigMap', name: 'absent', namespace: 'dev' })).toBeUndefined();
    expect(client.transport!.streamConnectionsOpened).toBe(3);
    expect(client.transport!.peakConnections).toBe(1);
  });

  it('lists page by page, following continue tokens, and hands each page over as it arrives', async () => {
    const server = await apiServer();
    server.list = { items: ['a', 'b', 'c', 'd', 'e'].map((name, i) => cm(name, String(i + 1))), resourceVersion: '9' };
    server.pageSize = 2;
    const client = clientOf(server);
    const source = createKubeWatchSource({ kubeConfig: new UnusableKubeConfig(), objects: client, names: new ResourceNames(client) });
    const pages: string[][] = [];
    const resourceVersion = await source.list(SPEC, (items) => void pages.push(items.map((o) => `${o.kind}/${(o.metadata as { name: string }).name}`)));
    expect(resourceVersion).toBe('9');
    expect(pages).toEqual([['ConfigMap/a', 'ConfigMap/b'], ['ConfigMap/c', 'ConfigMap/d'], ['ConfigMap/e']]);
    expect(server.continues).toEqual(['', '2', '4']);
  });

  it('lists with the client credentials and identity, and fails a refused list with the API server\'s status', async () => {
    const server = await apiServer();
    const client = clientOf(server).impersonating('system:serviceaccount:dev:deployer');
    const source = createKubeWatchSource({ kubeConfig: new UnusableKubeConfig(), objects: client, names: new ResourceNames(client) });
    await source.list(SPEC, () => {}, () => undefined);
    expect(server.listHeaders[0]).toMatchObject({ authorization: 'Bearer secret-token', 'impersonate-user': 'system:serviceaccount:dev:deployer' });
    server.listRefusals.push(403);
    const refused = await source.list(SPEC, () => {}).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiException);
    expect(refused).toMatchObject({ code: 403, body: { message: 'configmaps is forbidden: User cannot list resource' } });
  });

  it('hands over a listed object held at the same resourceVersion as held, and parses only the others', async () => {
    const server = await apiServer();
    server.list = { items: [cm('a', '1'), cm('b', '5'), cm('c', '3')], resourceVersion: '9' };
    const client = clientOf(server);
    const source = createKubeWatchSource({ kubeConfig: new UnusableKubeConfig(), objects: client, names: new ResourceNames(client) });
    // What a watch holds: a at the listed version, b at an older one, c not at all.
    const holding = new Map<string, Manifest>([['a', { ...cm('a', '1'), held: true }], ['b', { ...cm('b', '2'), held: true }]]);
    const asked: string[] = [];
    const listed: Manifest[] = [];
    await source.list(SPEC, (items) => void listed.push(...items), (name, namespace, resourceVersion) => {
      asked.push(`${namespace}/${name}@${resourceVersion}`);
      const object = holding.get(name);
      return (object?.metadata as { resourceVersion?: string } | undefined)?.resourceVersion === resourceVersion ? object : undefined;
    });
    expect(asked).toEqual(['dev/a@1', 'dev/b@5', 'dev/c@3']);
    expect(listed[0]).toBe(holding.get('a'));
    expect(listed.slice(1)).toEqual([cm('b', '5'), cm('c', '3')]);
  });

  it('confirms a list from metadata alone, page by page, only when it names exactly the objects held at their versions', async () => {
    const server = await apiServer();
    const big = { data: { payload: 'x'.repeat(5000) } };
    server.list = { items: ['a', 'b', 'c'].map((name, i) => ({ ...cm(name, String(i + 1)), ...big })), resourceVersion: '9' };
    server.pageSize = 2;
    const client = clientOf(server);
    const source = createKubeWatchSource({ kubeConfig: new UnusableKubeConfig(), objects: client, names: new ResourceNames(client) });
    // The held objects, one each, as a store hands them out.
    let holding = new Map(['a', 'b', 'c'].map((name, i) => [name, cm(name, String(i + 1))]));
    const held = (name: string, _namespace: string | undefined, resourceVersion: string) => {
      const object = holding.get(name);
      return (object?.metadata as { resourceVersion?: string } | undefined)?.resourceVersion === resourceVersion ? object : undefined;
    };
    expect(await source.confirm!(SPEC, held, 3)).toBe('9');
    expect(server.continues).toEqual(['', '2']);
    expect(server.listHeaders.map((h) => h.accept)).toEqual(Array(2).fill('application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json'));
    // One more object held than listed (its deletion missed), or one listed at another version: not confirmed.
    expect(await source.confirm!(SPEC, held, 4)).toBeUndefined();
    // Nor a list that names one held object twice in place of one it lacks.
    server.pageSize = Infinity;
    server.nextLists.push({ items: [cm('a', '1'), cm('b', '2'), cm('b', '2')], resourceVersion: '9' });
    expect(await source.confirm!(SPEC, held, 3)).toBeUndefined();
    holding = new Map([...holding, ['b', cm('b', '7')]]);
    server.pageSize = 2;
    server.continues.length = 0;
    expect(await source.confirm!(SPEC, held, 3)).toBeUndefined();
    // The first page already differs: the rest is not asked for.
    expect(server.continues).toEqual(['']);
  });

  it('resumes from the last resourceVersion when the API server restarts mid-watch, without listing again', async () => {
    const server = await apiServer();
    const client = clientOf(server);
    const clock = new ManualClock();
    const { watch, news } = started(client, clock);
    await until('the first watch', () => server.watches.length === 1);
    server.latest.response.write(line('MODIFIED', cm('a', '9')));
    await until('the change', () => news.length === 2);
    // The server goes away mid-stream; while it is down, watching again is refused.
    await server.stop();
    await clock.whenSleeping();
    await clock.advance(30_000);
    await clock.whenSleeping();
    expect(server.watches).toHaveLength(1);
    await server.start();
    await clock.advance(30_000);
    await until('the watch to resume', () => server.watches.length === 2);
    expect(server.latest.query.get('resourceVersion')).toBe('9');
    server.latest.response.write(line('DELETED', cm('a', '10')));
    await until('the delete', () => news.length === 3);
    expect(news[2]).toEqual({ kind: 'changed', changes: [{ type: 'deleted', object: cm('a', '10') }] });
    expect(server.lists).toBe(1);
    expect(watch.synced).toBe(true);
  });

  it('lists afresh when the watch request is answered 410 Gone, and watches from the new list', async () => {
    const server = await apiServer();
    const client = clientOf(server);
    server.nextLists.push({ items: [cm('a', '3')], resourceVersion: '7' });
    server.list = { items: [], resourceVersion: '31' };
    server.watchRefusals.push(410);
    const { watch, news } = started(client);
    await until('a watch after the second list', () => server.watches.length === 1);
    expect(server.refusedFrom).toEqual(['7']);
    // The first list, then the relist's: names and versions, which miss `a`, then the whole objects.
    expect(server.lists).toBe(3);
    expect(server.listHeaders.map((h) => h.accept?.includes('PartialObjectMetadataList'))).toEqual([false, true, false]);
    expect(server.latest.query.get('resourceVersion')).toBe('31');
    expect(news).toEqual([{ kind: 'synced' }, { kind: 'changed', changes: [{ type: 'deleted', object: cm('a', '3') }] }]);
    expect(watch.synced).toBe(true);
  });
});
