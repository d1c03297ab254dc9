// The API server behind a KindWatch: lists through Cascade's client (pages of 500 read as bytes, so a relist parses only
// what the watch does not hold: see list-scan.ts) and watches over the same client's connection pool (a streamed GET
// per watch, one JSON event per line), as the deployer or an impersonated user. Behind a proxy-url, which the pool
// does not support, watches go through the library's Watch.
import type { Manifest } from '@cascade/common';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import type { CascadeObjectApi } from '../client.ts';
import { apiGroup } from '../object-key.ts';
import { readWatchEvents } from './event-lines.ts';
import type { HeldAt, OpenWatch, WatchSource, WatchSpec } from './kind-watch.ts';
import { heldOnPage, readListPage, type ScannedList } from './list-scan.ts';
import type { WatchEvent } from './object-store.ts';

/**
 * The plural resource names that watch URLs need, from discovery on the deployer's own identity. One sweep serves
 * every kind; a kind it lacks (a CRD applied since) makes one more sweep, after which it counts as not watchable.
 */
export class ResourceNames {
  private names: Map<string, string> | undefined;
  private sweep: Promise<Map<string, string>> | undefined;
  private readonly unknown = new Set<string>();

  constructor(private readonly client: CascadeObjectApi) {}

  /** The plural of a kind (the same under every version of its group), or undefined when it cannot be listed. */
  async plural(apiVersion: string, kind: string): Promise<string | undefined> {
    const key = `${apiGroup(apiVersion)}/${kind}`;
    if (this.names === undefined || (!this.names.has(key) && !this.unknown.has(key))) {
      this.names = await this.discover();
      if (!this.names.has(key)) this.unknown.add(key);
    }
    return this.names.get(key);
  }

  /** Forgets what discovery said, e.g. before a full reconcile, so kinds added since are found. */
  forget(): void {
    this.names = undefined;
    this.unknown.clear();
  }

  private discover(): Promise<Map<string, string>> {
    // Concurrent callers share one sweep.
    this.sweep ??= this.client.discoverPrunableKinds().then(
      (kinds) => new Map(kinds.map((k) => [`${apiGroup(k.apiVersion)}/${k.kind}`, k.resource])),
    ).finally(() => (this.sweep = undefined));
    return this.sweep;
  }
}

/** Options of a Kubernetes watch source. */
export interface KubeWatchSourceOptions {
  /** The kubeconfig (context selected) `objects` was built from; watches use it only behind a proxy-url. */
  kubeConfig: KubeConfig;
  /** The client lists and watches go through; an impersonating one for an environment acting as a ServiceAccount. */
  objects: CascadeObjectApi;
  /** Plural resource names for watch URLs, from discovery on the deployer's own identity. */
  names: ResourceNames;
  /** Seconds the server keeps one watch open, picked per watch so many watches do not reconnect at once. */
  timeoutSeconds?: () => number;
}

/**
 * How long a watch stream may stay silent beyond the time the server keeps it open before it counts as a connection
 * that died without closing (a host gone): then it fails, and the watch resumes on a new connection.
 */
const SILENCE_MARGIN_SECONDS = 30;

/** Opens one watch stream of a collection `path` with the query (resourceVersion, selector, bookmarks, timeout). */
type OpenStream = (path: string, query: Record<string, string>, timeoutSeconds: number, onEvent: (event: WatchEvent) => void, done: (error: unknown) => void) => Promise<OpenWatch>;

/** Lists and watches on a real API server. */
export function createKubeWatchSource(options: KubeWatchSourceOptions): WatchSource {
  const { objects, names } = options;
  const open = objects.transport !== undefined ? pooledStream(objects) : libraryStream(options.kubeConfig, objects.impersonatedUser);
  // Like client-go's reflector: between 5 and 10 minutes.
  const timeoutSeconds = options.timeoutSeconds ?? (() => 300 + Math.floor(Math.random() * 300));
  return {
    async list(spec: WatchSpec, onPage: (items: Manifest[]) => void, held?: HeldAt): Promise<string> {
      const resourceVersion = await readPages(objects, await collectionPath(names, spec), spec, LIST_PAGE, 'application/json', (body) => {
        const page = readListPage(body, spec, held);
        onPage(page.items);
        return page.metadata;
      });
      if (!resourceVersion) throw new Error(`the list of ${spec.kind} carried no resourceVersion to watch from`);
      return resourceVersion;
    },

    async confirm(spec, held, count): Promise<string | undefined> {
      // The held objects listed, each once: a list naming one object twice does not make up for one it lacks.
      const listed = new Set<Manifest>();
      const resourceVersion = await readPages(objects, await collectionPath(names, spec), spec, METADATA_PAGE, METADATA_ONLY, (body) => {
        const page = heldOnPage(body, held);
        // Something differs: the whole objects are read instead, and the rest of these pages is not needed.
        if (page.objects === undefined) return undefined;
        for (const object of page.objects) listed.add(object);
        return page.metadata;
      });
      return resourceVersion && listed.size === count ? resourceVersion : undefined;
    },

    async watch(spec, resourceVersion, onEvent, done): Promise<OpenWatch> {
      const path = await collectionPath(names, spec);
      const seconds = timeoutSeconds();
      const query = { resourceVersion, allowWatchBookmarks: 'true', labelSelector: spec.labelSelector, timeoutSeconds: String(seconds) };
      return open(path, query, seconds, onEvent, done);
    },
  };
}

/** Objects per list page, as client-go's reflector asks for. */
const LIST_PAGE = 500;

/** Objects per page of a list of metadata alone, a few hundred bytes to a few kilobytes each. */
const METADATA_PAGE = 2000;

/**
 * Metadata alone (PartialObjectMetadataList, as client-go's metadata informers ask for), or the whole objects from a
 * server that cannot (an aggregated API): a confirming list reads names and resourceVersions from either.
 */
const METADATA_ONLY = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

/**
 * Reads a list of the spec's objects page by page (`limit` objects a page, in the form `accept` asks for, following
 * continue tokens), handing each page's bytes to `read`, which answers the page's list metadata or undefined to stop.
 * Resolves with the list's resourceVersion ('' when it carried none), or undefined when `read` stopped it.
 */
async function readPages(objects: CascadeObjectApi, path: string, spec: WatchSpec, limit: number, accept: string, read: (body: Buffer) => ScannedList['metadata'] | undefined): Promise<string | undefined> {
  let resourceVersion = '';
  let continueToken: string | undefined;
  do {
    const body = await objects.getBytes(path, { labelSelector: spec.labelSelector, limit: String(limit), ...(continueToken === undefined ? {} : { continue: continueToken }) }, accept);
    const metadata = read(body);
    if (metadata === undefined) return undefined;
    resourceVersion = metadata.resourceVersion ?? resourceVersion;
    continueToken = metadata.continue || undefined;
  } while (continueToken !== undefined);
  return resourceVersion;
}

/** The URL of the kind's collection in the spec's namespace (or the whole cluster). */
async function collectionPath(names: ResourceNames, spec: WatchSpec): Promise<string> {
  const plural = await names.plural(spec.apiVersion, spec.kind);
  if (plural === undefined) throw new Error(`discovery does not list ${spec.kind} in ${spec.apiVersion}`);
  const base = apiGroup(spec.apiVersion) === '' ? `/api/${spec.apiVersion}` : `/apis/${spec.apiVersion}`;
  return `${base}${spec.namespace === undefined ? '' : `/namespaces/${encodeURIComponent(spec.namespace)}`}/${plural}`;
}

/** Watches over the client's connection pool, with its credentials and identity: one streamed GET per watch. */
function pooledStream(objects: CascadeObjectApi): OpenStream {
  return async (path, query, timeoutSeconds, onEvent, done) => {
    const stop = new AbortController();
    const body = await objects.openWatch(path, query, { signal: stop.signal, bodyTimeoutMs: (timeoutSeconds + SILENCE_MARGIN_SECONDS) * 1000 });
    // Ends when the server closes the stream (its timeout, a restart) or it fails; `abort` makes it fail. undici takes
    // a connection back into its pool one event-loop turn after the response ended: reported after that turn, the
    // next watch goes on the same connection instead of opening one more.
    readWatchEvents(body, onEvent).then(() => setImmediate(() => done(null)), done);
    return { abort: () => stop.abort() };
  };
}

/** Watches through the library's Watch class (node-fetch, a connection per watch through the proxy agent it builds). */
function libraryStream(kubeConfig: KubeConfig, user: string | undefined): OpenStream {
  const watcher = new Watch(user === undefined ? kubeConfig : impersonating(kubeConfig, user));
  return async (path, query, _timeoutSeconds, onEvent, done) => {
    const controller = await watcher.watch(path, query, (type: string, object: unknown) => onEvent({ type, object: object as Manifest }), done);
    return { abort: () => controller.abort() };
  };
}

/** A copy of a kubeconfig whose requests act as `user`, as Cascade's impersonating client does for its own requests. */
function impersonating(kc: KubeConfig, user: string): KubeConfig {
  const copy = new ImpersonatingKubeConfig(user);
  copy.loadFromOptions({ clusters: kc.clusters, users: kc.users, contexts: kc.contexts, currentContext: kc.currentContext });
  return copy;
}

/** Adds `Impersonate-User` to every request the Watch class builds from it. */
class ImpersonatingKubeConfig extends KubeConfig {
  constructor(private readonly user: string) {
    super();
  }

  override async applyToFetchOptions(opts: Parameters<KubeConfig['applyToFetchOptions']>[0]): ReturnType<KubeConfig['applyToFetchOptions']> {
    const init = await super.applyToFetchOptions(opts);
    (init.headers as { set(name: string, value: string): void }).set('Impersonate-User', this.user);
    return init;
  }
}
