// The Kubernetes client Cascade uses: the library's KubernetesObjectApi (auth, TLS, discovery, URL building),
// with plain JSON in and out, so no field a manifest holds is dropped or retyped on the way, sent over one
// keep-alive connection pool; watches stream over the same transport.
import type { Readable } from 'node:stream';
import { text as readText } from 'node:stream/consumers';
import { ApiException, HttpMethod, KubeConfig, KubernetesObjectApi, Observable, PatchStrategy, ServerConfiguration, createConfiguration } from '@kubernetes/client-node';
import type { Configuration, KubernetesObject, RequestContext, ResponseContext } from '@kubernetes/client-node';
import type { Manifest } from '@cascade/common';
import { checkFence } from '@cascade/common/election';
import type { PoolSettings } from './http-pool.ts';
import { DEFAULT_POOL, PooledTransport } from './http-pool.ts';
import type { ObjectRef, Scope } from './object-key.ts';

/** The field manager of every server-side apply Cascade makes. */
export const FIELD_MANAGER = 'cascade';

/**
 * Every request that changes something (not a dry run) first checks the fence of the work it is part of, so a deployer
 * replica that lost the Lease of an environment's shard writes nothing more there (see runFenced).
 */
const fencing = {
  pre: (context: RequestContext) => {
    const writes = context.getHttpMethod() !== HttpMethod.GET && !context.getUrl().includes('dryRun=All');
    try {
      if (writes) checkFence();
    } catch (error) {
      return new Observable(Promise.reject(error));
    }
    return new Observable(Promise.resolve(context));
  },
  post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
};

/** A kind the API server serves, as discovery reports it. */
export interface DiscoveredKind {
  apiVersion: string;
  kind: string;
  /** Plural resource name used in URLs. */
  resource: string;
  scope: Scope;
  verbs: string[];
}

/** KubernetesObjectApi with JSON passed through untouched, strict field validation, and discovery. */
export class CascadeObjectApi extends KubernetesObjectApi {
  /** Set on an impersonating client: the deployer's own client, which answers discovery for it. */
  private discovery: CascadeObjectApi | undefined;
  /** Set on an impersonating client: the user its object requests act as. */
  private actingAs: string | undefined;
  /** Lists and watches only in the environments' namespaces, never across the cluster (RBAC granted per namespace). */
  private perNamespace = false;

  /**
   * Builds a client for one kubeconfig (context already selected). Its requests share one keep-alive pool; the
   * library still puts the kubeconfig's auth headers and TLS material on each request, so refreshed tokens and
   * renewed client certificates are used as they change.
   */
  static forConfig(kc: KubeConfig, pool: PoolSettings = DEFAULT_POOL, options: { namespaced?: boolean } = {}): CascadeObjectApi {
    const cluster = kc.getCurrentCluster();
    if (cluster === null) throw new Error(`the kubeconfig has no cluster for context ${kc.getCurrentContext()}`);
    // proxy-url is not supported by the pool, which connects to the API server directly: such a cluster falls back to
    // the library's own transport, a new connection per request through the HTTP or SOCKS proxy agent it builds.
    const httpApi = cluster.proxyUrl ? {} : { httpApi: new PooledTransport(pool) };
    const client = new CascadeObjectApi(createConfiguration({ baseServer: new ServerConfiguration(cluster.server, {}), authMethods: { default: kc }, middleware: [fencing], ...httpApi }));
    client.perNamespace = options.namespaced === true;
    return client;
  }

  /**
   * Whether lists and watches of namespaced kinds go to each namespace rather than the whole cluster: for an
   * impersonated ServiceAccount, and for a target whose RBAC is granted per namespace (`namespaced: true`).
   */
  get listsPerNamespace(): boolean {
    return this.perNamespace || this.actingAs !== undefined;
  }

  /** The connection pool this client and its impersonating clients share; undefined behind a proxy. */
  get transport(): PooledTransport | undefined {
    return this.configuration.httpApi instanceof PooledTransport ? this.configuration.httpApi : undefined;
  }

  /** Closes the shared connection pool once the requests under way have ended; a later request opens a new one. */
  async close(): Promise<void> {
    await this.transport?.close();
  }

  /**
   * A client whose object requests act as `user` (`Impersonate-User`, like `kubectl --as`), so the cluster's RBAC for
   * that user decides them. For a ServiceAccount's user name the API server adds the ServiceAccount's groups itself,
   * so only `impersonate` on serviceaccounts is needed. Discovery stays on this client's own identity and cache;
   * requests go over this client's connection pool.
   */
  impersonating(user: string): CascadeObjectApi {
    const impersonation = {
      pre: (context: RequestContext) => {
        context.setHeaderParam('Impersonate-User', user);
        return new Observable(Promise.resolve(context));
      },
      post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
    };
    const child = new CascadeObjectApi({ ...this.configuration, middleware: [fencing, impersonation] });
    child.discovery = this.discovery ?? this;
    child.actingAs = user;
    child.perNamespace = this.perNamespace;
    return child;
  }

  /** The user this client's object requests act as, when it impersonates one. */
  get impersonatedUser(): string | undefined {
    return this.actingAs;
  }

  /** Discovery on the deployer's own identity: an impersonating client asks its parent. */
  protected override resource(apiVersion: string, kind: string, options?: Configuration): ReturnType<KubernetesObjectApi['resource']> {
    return this.discovery !== undefined ? this.discovery.resource(apiVersion, kind, options) : super.resource(apiVersion, kind, options);
  }

  /**
   * Server-side apply as field manager `cascade`. Without `force` a field another manager owns fails with 409
   * instead of being taken over; self-heal forces, since taking fields back is its purpose.
   * Strict field validation rejects unknown fields instead of dropping them.
   */
  async apply(object: Manifest, options: { dryRun?: boolean; force?: boolean } = {}): Promise<Manifest> {
    const spec = structuredClone(object) as unknown as KubernetesObject;
    const path = await this.specUriPath(spec, 'patch');
    const request = this.configuration.baseServer.makeRequestContext(path, HttpMethod.PATCH);
    request.setHeaderParam('Accept', 'application/json');
    request.setHeaderParam('Content-Type', PatchStrategy.ServerSideApply);
    request.setQueryParam('fieldManager', FIELD_MANAGER);
    request.setQueryParam('force', options.force ? 'true' : 'false');
    request.setQueryParam('fieldValidation', 'Strict');
    if (options.dryRun) request.setQueryParam('dryRun', 'All');
    // JSON is valid YAML, so the apply-patch+yaml body can be plain JSON of the manifest as rendered.
    request.setBody(JSON.stringify(object));
    return (await this.requestPromise(request)) as unknown as Manifest;
  }

  /** Lists the objects of one kind matching a label selector, in one namespace or (without one) in all; follows continue tokens. */
  async listAll(apiVersion: string, kind: string, labelSelector: string, namespace?: string): Promise<Manifest[]> {
    const items: Manifest[] = [];
    let continueToken: string | undefined;
    do {
      const page = (await this.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector, 500, continueToken)) as unknown as { items?: Manifest[]; metadata?: { continue?: string } };
      // A list answer's items carry no apiVersion/kind of their own; put them back so objects name themselves.
      for (const item of page.items ?? []) items.push({ apiVersion, kind, ...item });
      continueToken = page.metadata?.continue || undefined;
    } while (continueToken !== undefined);
    return items;
  }

  /** Creates an object; resolves false when it already exists (another writer was first), true when created. */
  async createIfAbsent(object: Manifest): Promise<boolean> {
    try {
      await this.create(structuredClone(object) as unknown as KubernetesObject, undefined, undefined, FIELD_MANAGER);
      return true;
    } catch (error) {
      if (error instanceof ApiException && error.code === 409) return false;
      throw error;
    }
  }

  /** Reads one object, or undefined when it does not exist. */
  async readObject(ref: ObjectRef): Promise<Manifest | undefined> {
    try {
      return (await this.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } })) as unknown as Manifest;
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw error;
    }
  }

  /** Deletes one object with foreground-independent background propagation; a missing object is fine. */
  async deleteObject(ref: ObjectRef): Promise<void> {
    try {
      await this.delete({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } }, undefined, undefined, undefined, undefined, 'Background');
    } catch (error) {
      if (!(error instanceof ApiException && error.code === 404)) throw error;
    }
  }

  /** The scope of a kind, or undefined when the API server does not serve it (yet). */
  async scopeOf(apiVersion: string, kind: string): Promise<Scope | undefined> {
    try {
      const resource = await this.resource(apiVersion, kind);
      return resource === undefined ? undefined : resource.namespaced ? 'Namespaced' : 'Cluster';
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw error;
    }
  }

  /** Forgets cached discovery, e.g. after applying CRDs, so new kinds are found. */
  forgetDiscovery(): void {
    if (this.discovery !== undefined) this.discovery.forgetDiscovery();
    else this.apiVersionResourceCache = {};
  }

  /** Every kind the API server serves in its preferred version that can be listed and deleted (prune candidates). */
  async discoverPrunableKinds(): Promise<DiscoveredKind[]> {
    if (this.discovery !== undefined) return this.discovery.discoverPrunableKinds();
    const groups = (await this.getJson('/apis')) as { groups?: Array<{ preferredVersion?: { groupVersion?: string } }> };
    const versions = ['v1', ...(groups.groups ?? []).flatMap((g) => (g.preferredVersion?.groupVersion ? [g.preferredVersion.groupVersion] : []))];
    const kinds: DiscoveredKind[] = [];
    for (const apiVersion of versions) {
      const list = (await this.getJson(apiVersion === 'v1' ? '/api/v1' : `/apis/${apiVersion}`)) as { resources?: Array<{ name: string; kind: string; namespaced: boolean; verbs: string[] }> };
      this.apiVersionResourceCache[apiVersion] = list as never;
      for (const r of list.resources ?? []) {
        if (r.name.includes('/') || !r.verbs.includes('list') || !r.verbs.includes('delete')) continue;
        kinds.push({ apiVersion, kind: r.kind, resource: r.name, scope: r.namespaced ? 'Namespaced' : 'Cluster', verbs: r.verbs });
      }
    }
    return kinds;
  }

  /**
   * Opens a watch of `path` (a collection URL) over the pool's stream connections, with the credentials and identity
   * every request of this client carries, and resolves with the stream of event lines once the server answered
   * 200. Another answer throws ApiException, as other requests do (410 Gone: the resourceVersion is too old).
   * `bodyTimeoutMs` is the longest silence after which the connection counts as dead.
   */
  async openWatch(path: string, query: Record<string, string>, options: { signal: AbortSignal; bodyTimeoutMs: number }): Promise<Readable> {
    const transport = this.transport;
    if (transport === undefined) throw new Error('this client has no connection pool (the cluster is reached through a proxy-url): watch through the library instead');
    const request = this.getRequest(path, { watch: 'true', ...query });
    request.setSignal(options.signal);
    const response = await transport.stream(await this.authenticated(request), { bodyTimeoutMs: options.bodyTimeoutMs });
    if (response.statusCode === 200) return response.body;
    throw refusal(response.statusCode, await readText(response.body).catch(() => ''), response.headers);
  }

  /**
   * GETs `path` with the query and resolves with the answer's bytes as they came: a list page its reader scans rather
   * than parses whole (see list-scan.ts). `accept` asks for another form (metadata alone). An answer other than
   * success throws ApiException, as other requests do.
   */
  async getBytes(path: string, query: Record<string, string>, accept = 'application/json'): Promise<Buffer> {
    const request = this.getRequest(path, query);
    request.setHeaderParam('Accept', accept);
    const response = await this.configuration.httpApi.send(await this.authenticated(request)).toPromise();
    const body = await response.body.binary();
    if (response.httpStatusCode >= 200 && response.httpStatusCode <= 299) return body;
    throw refusal(response.httpStatusCode, body.toString('utf8'), response.headers);
  }

  /** A request as the library's own pipeline sends it: the kubeconfig's auth headers and TLS material, then the middleware (impersonation). */
  private async authenticated(request: RequestContext): Promise<RequestContext> {
    const auth = this.configuration.authMethods;
    await auth.BearerToken?.applySecurityAuthentication(request);
    await auth.default?.applySecurityAuthentication(request);
    let prepared = request;
    for (const middleware of this.configuration.middleware) prepared = await middleware.pre(prepared).toPromise();
    return prepared;
  }

  /** GETs a discovery path as JSON. */
  private async getJson(path: string): Promise<unknown> {
    return this.requestPromise(this.getRequest(path));
  }

  /** A GET of `path` asking for JSON, with the query's parameters. */
  private getRequest(path: string, query: Record<string, string> = {}): RequestContext {
    const request = this.configuration.baseServer.makeRequestContext(path, HttpMethod.GET);
    request.setHeaderParam('Accept', 'application/json');
    for (const [name, value] of Object.entries(query)) request.setQueryParam(name, value);
    return request;
  }

  /** Plain JSON out: the library's typed models would drop fields they do not know and turn timestamps into Dates. */
  protected override async processResponse<T extends KubernetesObject>(response: ResponseContext): Promise<T> {
    const text = await response.body.text();
    if (response.httpStatusCode >= 200 && response.httpStatusCode <= 299) return JSON.parse(text) as T;
    throw refusal(response.httpStatusCode, text, response.headers);
  }
}

/** The error for an answer other than success: the API server's Status as the body, so classifyKubeError finds its message. */
function refusal(status: number, text: string, headers: Record<string, string>): ApiException<unknown> {
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page): keep the text.
  }
  return new ApiException(status, 'Unsuccessful HTTP Request', body, headers);
}

/** Loads a kubeconfig file (or the default locations) and selects a context. */
export function loadKubeConfig(options: { kubeconfig?: string; context?: string; inCluster?: boolean }): KubeConfig {
  const kc = new KubeConfig();
  if (options.inCluster) kc.loadFromCluster();
  else if (options.kubeconfig !== undefined) kc.loadFromFile(options.kubeconfig);
  else kc.loadFromDefault();
  if (options.context !== undefined) kc.setCurrentContext(options.context);
  return kc;
}
