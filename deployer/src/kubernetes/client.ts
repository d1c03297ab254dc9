// The Kubernetes client Cascade uses: the library's KubernetesObjectApi (auth, TLS, discovery, URL building),
// with plain JSON in and out, so no field a manifest holds is dropped or retyped on the way, sent over one
// keep-alive connection pool.
import { ApiException, HttpMethod, KubeConfig, KubernetesObjectApi, Observable, PatchStrategy, ServerConfiguration, createConfiguration } from '@kubernetes/client-node';
import type { Configuration, KubernetesObject, RequestContext, ResponseContext } from '@kubernetes/client-node';
import type { Manifest } from '@cascade/common';
import type { PoolSettings } from './http-pool.ts';
import { DEFAULT_POOL, PooledTransport } from './http-pool.ts';
import type { ObjectRef, Scope } from './object-key.ts';

/** The field manager of every server-side apply Cascade makes. */
export const FIELD_MANAGER = 'cascade';

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

  /**
   * Builds a client for one kubeconfig (context already selected). Its requests share one keep-alive pool; the
   * library still puts the kubeconfig's auth headers and TLS material on each request, so refreshed tokens and
   * renewed client certificates are used as they change.
   */
  static forConfig(kc: KubeConfig, pool: PoolSettings = DEFAULT_POOL): CascadeObjectApi {
    const cluster = kc.getCurrentCluster();
    if (cluster === null) throw new Error(`the kubeconfig has no cluster for context ${kc.getCurrentContext()}`);
    // proxy-url is not supported by the pool, which connects to the API server directly: such a cluster falls back to
    // the library's own transport, a new connection per request through the HTTP or SOCKS proxy agent it builds.
    const httpApi = cluster.proxyUrl ? {} : { httpApi: new PooledTransport(pool) };
    return new CascadeObjectApi(createConfiguration({ baseServer: new ServerConfiguration(cluster.server, {}), authMethods: { default: kc }, ...httpApi }));
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
    const child = new CascadeObjectApi({ ...this.configuration, middleware: [impersonation] });
    child.discovery = this.discovery ?? this;
    child.actingAs = user;
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

  /** GETs a discovery path as JSON. */
  private async getJson(path: string): Promise<unknown> {
    const request = this.configuration.baseServer.makeRequestContext(path, HttpMethod.GET);
    request.setHeaderParam('Accept', 'application/json');
    return this.requestPromise(request);
  }

  /** Plain JSON out: the library's typed models would drop fields they do not know and turn timestamps into Dates. */
  protected override async processResponse<T extends KubernetesObject>(response: ResponseContext): Promise<T> {
    const text = await response.body.text();
    if (response.httpStatusCode >= 200 && response.httpStatusCode <= 299) return JSON.parse(text) as T;
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (a proxy's error page): keep the text.
    }
    throw new ApiException(response.httpStatusCode, 'Unsuccessful HTTP Request', body, response.headers);
  }
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
