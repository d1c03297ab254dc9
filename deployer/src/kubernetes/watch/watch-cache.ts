// The live objects of a Kubernetes target's environments, kept by one watch per environment, kind and namespace,
// so a steady pass plans without listing and a change in the cluster is news at once.
import type { Manifest } from '@cascade/common';
import type { Clock, Logger } from '@cascade/common/service';
import type { KubeConfig } from '@kubernetes/client-node';
import type { CascadeObjectApi } from '../client.ts';
import { environmentSelector } from '../labels.ts';
import type { KindToList } from '../live.ts';
import { listScopes } from '../live.ts';
import { apiGroup, describeRef, objectKey, refOf } from '../object-key.ts';
import type { WatchNews, WatchSource, WatchSpec } from './kind-watch.ts';
import { KindWatch } from './kind-watch.ts';
import { ResourceNames, createKubeWatchSource } from './kube-watch-source.ts';

/** Options of a watch cache. */
export interface WatchCacheOptions {
  /** The kubeconfig `client` was built from; watches use it only behind a proxy-url (see createKubeWatchSource). */
  kubeConfig: KubeConfig;
  /** The deployer's own client: discovery and scopes. */
  client: CascadeObjectApi;
  installation: string;
  clock: Clock;
  logger: Logger;
  /** Told when an environment's live objects changed (or its watches started or stopped working); `why` is for logs. */
  onChange: (env: string, why: string) => void;
  /** Told when a watch of the environment took a list into its cache (for metrics). */
  onListed?: (env: string) => void;
  /** The I/O of the watches for one client; default the API server behind `kubeConfig`. */
  source?: (objects: CascadeObjectApi, names: ResourceNames) => WatchSource;
}

/** Watches per environment, keyed by `group/kind@namespace` (an empty namespace: the whole cluster). */
export class WatchCache {
  private readonly environments = new Map<string, Map<string, KindWatch>>();
  private readonly sources = new Map<string, WatchSource>();
  private readonly stopping = new Set<Promise<void>>();
  /** Per environment, bumped on every change its watches report (a re-list's differences among them). */
  private readonly versions = new Map<string, number>();
  /** Per environment, the objects changed since its last pass read them (objectKey → now, undefined once deleted); 'unknown' after a failure or a first list. */
  private readonly changes = new Map<string, Map<string, Manifest | undefined> | 'unknown'>();
  private readonly names: ResourceNames;
  /** Reconcile steps since discovery was last forgotten (resyncOldest). */
  private stepsSinceDiscovery = 0;
  private closed = false;

  constructor(private readonly options: WatchCacheOptions) {
    this.names = new ResourceNames(options.client);
  }

  /**
   * The environment's live objects of `kinds`, listed where listEnvironmentObjects would list them, when every watch
   * covering them is in step with the server; otherwise undefined, and the missing watches are started, so the
   * caller lists for itself this time. Watches of kinds or namespaces no longer asked for are stopped.
   */
  async live(env: string, objects: CascadeObjectApi, kinds: readonly KindToList[], namespaces: readonly string[]): Promise<Manifest[] | undefined> {
    if (this.closed) return undefined;
    const specs = await this.specsFor(env, objects, kinds, namespaces);
    if (specs === undefined) {
      // A kind no watch can follow: this environment is looked at by passes only.
      this.drop(env);
      return undefined;
    }
    const watches = this.environments.get(env) ?? new Map<string, KindWatch>();
    this.environments.set(env, watches);
    for (const [key, watch] of watches) {
      if (!specs.has(key)) {
        watches.delete(key);
        this.stop(watch);
      }
    }
    for (const [key, spec] of specs) {
      if (watches.has(key)) continue;
      const watch = new KindWatch({ spec, source: this.sourceFor(objects), clock: this.options.clock, logger: this.options.logger, onNews: (news) => this.tell(env, spec, news), onListed: () => this.options.onListed?.(env) });
      watches.set(key, watch);
      watch.start();
    }
    const all = [...watches.values()];
    if (!all.every((w) => w.synced)) return undefined;
    // The pass reads everything now: what changed before is in what it reads.
    this.changes.set(env, new Map());
    // One array filled in a loop: flatMap over a copy per kind showed in profiles of passes at thousands of objects.
    const live: Manifest[] = [];
    for (const watch of all) for (const object of watch.store.each()) live.push(object);
    return live;
  }

  /**
   * The objects changed since the environment's last pass read its objects (or since the last call), and forgets
   * them; undefined when that is not known exactly (no pass yet, a relist under way, a failing watch), so a pass must look.
   */
  takeChanges(env: string): Map<string, Manifest | undefined> | undefined {
    const changed = this.changes.get(env);
    if (changed === undefined || changed === 'unknown' || this.liveVersion(env) === undefined) return undefined;
    this.changes.set(env, new Map());
    return changed;
  }

  /** Whether the environment's watches report its changes, so nobody needs to poll it. */
  watching(env: string): boolean {
    const watches = this.environments.get(env);
    return watches !== undefined && [...watches.values()].every((w) => !w.isFailing);
  }

  /** A number that changes with every change to the environment's live objects; undefined unless every watch of it is in step. */
  liveVersion(env: string): number | undefined {
    const watches = this.environments.get(env);
    if (watches === undefined || watches.size === 0 || ![...watches.values()].every((w) => w.synced && !w.isFailing)) return undefined;
    return this.versions.get(env) ?? 0;
  }

  /** Records objects as an apply returned them, so the next pass need not wait for their events. */
  observe(env: string, objects: Iterable<Manifest>): void {
    const watches = this.environments.get(env);
    if (watches === undefined) return;
    this.bump(env);
    for (const object of objects) {
      const ref = refOf(object);
      if (ref === undefined) continue;
      const kind = `${apiGroup(ref.apiVersion)}/${ref.kind}`;
      (watches.get(`${kind}@${ref.namespace ?? ''}`) ?? watches.get(`${kind}@`))?.store.observe(object);
    }
  }

  /** How many watches there are: the periodic full reconcile lists afresh one of them at a time (resyncOldest). */
  get watchCount(): number {
    let count = 0;
    for (const watches of this.environments.values()) count += watches.size;
    return count;
  }

  /**
   * Lists afresh the watch read longest ago: one step of the periodic full reconcile, which spreads its lists over
   * its interval so no minute holds all of them. Resolves once that list is in or failed. What the list finds different
   * from what the watch held (an event that never came) is reported as that event would have been, so an environment
   * whose list found nothing new is not deployed again.
   */
  async resyncOldest(): Promise<void> {
    let oldest: KindWatch | undefined;
    for (const watches of this.environments.values()) {
      for (const watch of watches.values()) if (oldest === undefined || watch.lastFresh < oldest.lastFresh) oldest = watch;
    }
    if (oldest === undefined) return;
    // Once a round, kinds added to the cluster since are found by the next pass's discovery (a sweep of every API
    // group: not worth taking at every step).
    if (++this.stepsSinceDiscovery >= this.watchCount) {
      this.stepsSinceDiscovery = 0;
      this.names.forget();
    }
    await oldest.relist();
  }

  /** Stops watching an environment and forgets its objects. */
  drop(env: string): void {
    const watches = this.environments.get(env);
    if (watches === undefined) return;
    this.bump(env);
    this.environments.delete(env);
    this.changes.delete(env);
    for (const watch of watches.values()) this.stop(watch);
  }

  /** Drops every environment not in `envs` (those no longer bound to this target). */
  retain(envs: ReadonlySet<string>): void {
    for (const env of [...this.environments.keys()]) if (!envs.has(env)) this.drop(env);
  }

  /** Stops every watch and resolves once all have ended; nothing is watched afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    for (const env of [...this.environments.keys()]) this.drop(env);
    await Promise.all([...this.stopping]);
  }

  /** One watch spec per kind and namespace to list, or undefined when a kind served by the cluster cannot be watched. */
  private async specsFor(env: string, objects: CascadeObjectApi, kinds: readonly KindToList[], namespaces: readonly string[]): Promise<Map<string, WatchSpec> | undefined> {
    const labelSelector = environmentSelector(this.options.installation, env);
    const specs = new Map<string, WatchSpec>();
    for (const k of kinds) {
      const scope = await this.options.client.scopeOf(k.apiVersion, k.kind);
      if (scope === undefined) continue;
      if ((await this.names.plural(k.apiVersion, k.kind)) === undefined) return undefined;
      for (const namespace of listScopes(scope, objects.listsPerNamespace, namespaces)) {
        specs.set(`${apiGroup(k.apiVersion)}/${k.kind}@${namespace ?? ''}`, { apiVersion: k.apiVersion, kind: k.kind, labelSelector, ...(namespace === undefined ? {} : { namespace }) });
      }
    }
    return specs;
  }

  private sourceFor(objects: CascadeObjectApi): WatchSource {
    const key = objects.impersonatedUser ?? '';
    let source = this.sources.get(key);
    if (source === undefined) {
      const build = this.options.source ?? ((client, names) => createKubeWatchSource({ kubeConfig: this.options.kubeConfig, objects: client, names }));
      this.sources.set(key, (source = build(objects, this.names)));
    }
    return source;
  }

  private tell(env: string, spec: WatchSpec, news: WatchNews): void {
    if (this.closed || this.environments.get(env) === undefined) return;
    this.bump(env);
    this.remember(env, news);
    const where = spec.namespace === undefined ? '' : ` in ${spec.namespace}`;
    if (news.kind === 'synced') return this.options.onChange(env, `watching ${spec.kind}${where}`);
    if (news.kind === 'failing') return this.options.onChange(env, `cannot watch ${spec.kind}${where}: ${news.reason}`);
    const first = news.changes[0]!;
    const ref = refOf(first.object);
    const more = news.changes.length > 1 ? ` and ${news.changes.length - 1} more` : '';
    this.options.onChange(env, `${first.type} ${ref === undefined ? spec.kind : describeRef(ref)}${more}`);
  }

  private remember(env: string, news: WatchNews): void {
    const changed = this.changes.get(env);
    if (changed === undefined || changed === 'unknown') return;
    if (news.kind !== 'changed') {
      this.changes.set(env, 'unknown');
      return;
    }
    for (const change of news.changes) {
      const ref = refOf(change.object);
      if (ref === undefined) continue;
      changed.set(objectKey(ref), change.type === 'deleted' ? undefined : change.object);
    }
  }

  private bump(env: string): void {
    this.versions.set(env, (this.versions.get(env) ?? 0) + 1);
  }

  private stop(watch: KindWatch): void {
    const stopped = watch.stop().finally(() => this.stopping.delete(stopped));
    this.stopping.add(stopped);
  }
}
