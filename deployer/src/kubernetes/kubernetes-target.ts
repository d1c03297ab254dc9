// The Kubernetes target: one pass per environment — discover, read live, plan, apply, prune, report.
import type { EnvironmentStatus, Manifest, ResourceError, TargetPolicy } from '@cascade/common';
import { checkObjectPolicy, environmentAllowed, environmentPolicy, namespaceAllowed } from '@cascade/common';
import type { Clock, Logger } from '@cascade/common/service';
import type { KubeConfig } from '@kubernetes/client-node';
import { environmentState } from '../status/environment-state.ts';
import { TargetUnreachableError } from '../targets/target.ts';
import type { EnvironmentPass, PassStep, StepTimer, Target } from '../targets/target.ts';
import { timedStep } from '../targets/target.ts';
import { carryOut, ownershipError } from './apply.ts';
import type { CascadeObjectApi } from './client.ts';
import { classifyKubeError, unreachableOnNetworkError } from './errors.ts';
import type { Inventory } from './inventory.ts';
import { inventoryAfterPrune, inventoryBeforeApply, sameInventory } from './inventory.ts';
import type { InventoryLocation, InventoryReadMemo } from './inventory-store.ts';
import { InventoryTooLargeError, adoptRetained, inventoryLocation, readInventory, writeInventory } from './inventory-store.ts';
import { kindsToList, listEnvironmentObjects } from './live.ts';
import type { Scope } from './object-key.ts';
import { describeRef } from './object-key.ts';
import type { ApplyPlan } from './plan.ts';
import { planApply } from './plan.ts';
import { PlanMemo } from './plan-memo.ts';
import type { PassRecord } from './live-refresh.ts';
import { recordPass, refreshFromEvents } from './live-refresh.ts';
import { statuses } from './target-status.ts';
import { inventoryKinds, inventoryNamespaces } from './rendered-facts.ts';
import { ensureNamespace, namespaceExists } from './namespace.ts';
import { stagingNamespaceLabels, workloadsLeft } from './staging-namespace.ts';
import type { WatchCacheOptions } from './watch/watch-cache.ts';
import { WatchCache } from './watch/watch-cache.ts';

/** Counters the target reports to; the service binds them to its metrics registry. */
export interface KubernetesTargetMetrics {
  /** One object applied; `reason` is create, change or drift (a self-heal correction). */
  applied(env: string, reason: string): void;
  pruned(env: string): void;
  /** One object or resource failed, by error code. */
  failed(env: string, code: string): void;
  /** A watch of the environment took a list into its cache. */
  listed?(env: string): void;
  /** A step of a pass (plan, apply, report) took `seconds`. */
  step?(step: PassStep, seconds: number): void;
}

/** Everything a Kubernetes target needs. */
export interface KubernetesTargetOptions {
  name: string;
  /** `deployer.installation`: labels every applied object and scopes every list, so other installations' objects are never touched. */
  installation: string;
  client: CascadeObjectApi;
  clock: Clock;
  logger: Logger;
  metrics?: KubernetesTargetMetrics;
  /** Objects of one kind applied at the same time; default 8. */
  concurrency?: number;
  /** How long to wait for a CRD to be established; default 60 s. */
  crdTimeoutMs?: number;
  /** The target's policy from the config (allowedNamespaces, clusterKinds, …); absent keys take their strict defaults. */
  policy?: TargetPolicy;
  /** Watch each environment's objects instead of listing them every pass; without it every pass lists. */
  watch?: KubernetesWatchOptions;
  /** Stagings deployed at once (`targets.<name>.parallelism`); default 4. */
  stagingParallelism?: number;
}

/** How a Kubernetes target watches its environments. */
export interface KubernetesWatchOptions {
  /** The kubeconfig `client` was built from. Watches stream over the client's connection pool; only behind a proxy-url, which the pool does not support, through the library with this kubeconfig. */
  kubeConfig: KubeConfig;
  /** Told at once when an environment's live objects changed, so the service looks at that environment. */
  onChange: (env: string, why: string) => void;
  /** The watches' I/O; default the API server of `kubeConfig`. */
  source?: WatchCacheOptions['source'];
}

/** A Kubernetes target, plus the dry-run diff behind `cascade diff`. */
export interface KubernetesTarget extends Target {
  /** Plans the pass and server-side dry-runs every apply; changes nothing. */
  plan(pass: EnvironmentPass): Promise<{ plan: ApplyPlan; live: Manifest[]; dryRun: Map<string, Manifest>; errors: Array<ResourceError & { resource: string }> }>;
  /** What the staging driver (stagings/kubernetes-driver.ts) does on this cluster. */
  readonly stagings: KubernetesStagingSupport;
}

/**
 * A staging's operations on the cluster. Each throws TargetUnreachableError when the cluster does not answer. A
 * staging's pass runs under the target's namespace and kind policy but none of the per-environment widening or
 * impersonation (those name environments), always as the deployer itself.
 */
export interface KubernetesStagingSupport {
  /** `deployer.installation`, which a staging's namespace must carry to be the staging's. */
  readonly installation: string;
  /** Stagings deployed at once. */
  readonly parallelism: number;
  /** Why the target's policy (allowedNamespaces) refuses the namespace, or undefined. */
  namespaceRefusal(namespace: string, staging: string): string | undefined;
  /** The live namespace, or undefined when there is none. */
  readNamespace(namespace: string): Promise<Manifest | undefined>;
  /** Applies a staging's pass like an environment's, creating its namespace labelled as the staging's when missing. */
  deploy(pass: EnvironmentPass): Promise<EnvironmentStatus>;
  /** The workloads and pods still in the namespace, as `Kind name`. */
  workloadsLeft(namespace: string): Promise<string[]>;
  /** Deletes staging's namespace (the namespace controller removes everything in it, volumes too) and stops watching it; a missing one is fine. */
  deleteNamespace(namespace: string, staging: string): Promise<void>;
}

const NO_METRICS: KubernetesTargetMetrics = { applied() {}, pruned() {}, failed() {} };

/** The client an environment's objects are read, applied and deleted with. */
interface ObjectAccess {
  objects: CascadeObjectApi;
  /** The impersonated ServiceAccount and the config key naming it; absent when acting as the deployer itself. */
  actingAs?: string;
}

/** How one pass runs: with which client, under which policy, and the labels of a namespace it creates. */
interface PassScope {
  access: ObjectAccess;
  policy: TargetPolicy;
  namespaceLabels?: Record<string, string>;
}

/** Steps 1–3 of a pass, as `prepare` returns them. */
interface Prepared {
  plan: ApplyPlan;
  live: Manifest[];
  location: InventoryLocation;
  /** The inventory as stored before this pass; undefined when none was. */
  stored: Inventory | undefined;
}

/** Creates a Kubernetes target over one cluster connection. */
export function createKubernetesTarget(options: KubernetesTargetOptions): KubernetesTarget {
  const { client, clock, name, installation, logger } = options;
  const metrics = options.metrics ?? NO_METRICS;
  const steps: StepTimer | undefined = metrics.step === undefined ? undefined : (step, seconds) => metrics.step!(step, seconds);
  const policy = options.policy ?? {};
  const impersonating = new Map<string, CascadeObjectApi>();
  // Per environment: what planning worked out for objects that have not changed since (their hashes, their drift).
  const memos = new Map<string, PlanMemo>();
  const memoFor = (env: string): PlanMemo => memos.get(env) ?? memos.set(env, new PlanMemo()).get(env)!;
  // Per environment: what its last deploy planned and saw, so watch events can move its rollout status along.
  const records = new Map<string, PassRecord>();
  // The inventories this target decoded last, so a pass whose inventory did not change does not unzip it again.
  const inventories: InventoryReadMemo = new Map();
  const watches = options.watch === undefined ? undefined : new WatchCache({
    kubeConfig: options.watch.kubeConfig, client, installation, clock, logger, onChange: options.watch.onChange, onListed: (env) => metrics.listed?.(env),
    ...(options.watch.source === undefined ? {} : { source: options.watch.source }),
  });

  /** Why the environment may not deploy to this target at all (deployers.yaml binds it against the policy), if so. */
  function refusal(pass: EnvironmentPass): ResourceError | undefined {
    const home = pass.binding.namespace ?? 'default';
    if (!environmentAllowed(policy, pass.env)) {
      return { code: 'environment-not-allowed', file: 'deployers.yaml', message: `target ${name} does not take environment ${pass.env} (targets.${name}.allowedEnvironments in the deployer's config); nothing is applied or pruned` };
    }
    if (!namespaceAllowed(home, policy.allowedNamespaces)) {
      return { code: 'namespace-not-allowed', file: 'deployers.yaml', message: `deployers.yaml puts environment ${pass.env} in namespace ${home}, which target ${name} does not allow (allowedNamespaces in the deployer's config); nothing is applied or pruned` };
    }
    return undefined;
  }

  /** The deployer's own client, or one impersonating the environment's ServiceAccount (kept per account). */
  function accessFor(pass: EnvironmentPass): ObjectAccess {
    const serviceAccount = environmentPolicy(policy, pass.env).serviceAccount;
    if (serviceAccount === undefined) return { objects: client };
    const home = pass.binding.namespace ?? 'default';
    const user = `system:serviceaccount:${home}:${serviceAccount}`;
    let objects = impersonating.get(user);
    if (objects === undefined) impersonating.set(user, (objects = client.impersonating(user)));
    return { objects, actingAs: `ServiceAccount ${home}/${serviceAccount} of targets.${name}.environments.${pass.env}.serviceAccount` };
  }

  /** An environment's pass: its own widening of the policy, and its ServiceAccount when it has one. */
  function environmentScope(pass: EnvironmentPass): PassScope {
    return { access: accessFor(pass), policy };
  }

  /** A staging's pass: the target's policy without what it grants single environments, as the deployer itself. */
  const stagingPolicy: TargetPolicy = { ...policy, environments: undefined, allowedEnvironments: undefined };

  /** Steps 1–3 of a pass: scopes of the rendered kinds, the inventory, the live objects, the plan. */
  async function prepare(pass: EnvironmentPass, { access: { objects }, policy }: PassScope): Promise<Prepared> {
    const home = pass.binding.namespace ?? 'default';
    const renderedKinds = memoFor(pass.env).facts.of(pass.rendered).kinds;
    // 1. Scopes from discovery; kinds it does not know may still come from a CRD in the same commit.
    const scopes = new Map<string, Scope | undefined>();
    for (const k of renderedKinds) scopes.set(`${k.apiVersion}/${k.kind}`, await client.scopeOf(k.apiVersion, k.kind));
    // 2. The inventory: what this installation applied for the environment, the only objects prune may touch.
    const location = inventoryLocation(installation, pass.env, home);
    const unreadable: string[] = [];
    const stored = await readInventory(client, location, (why) => unreadable.push(`the inventory cannot be read (${why})`), inventories);
    // 3. Live objects of the rendered and inventoried kinds. Without a stored inventory, every prunable kind, to adopt what an older deployer applied.
    const adopting = stored === undefined && pass.binding.prune ? await client.discoverPrunableKinds() : [];
    const inventoried = inventoryKinds(stored);
    const known = renderedKinds.filter((k) => scopes.get(`${k.apiVersion}/${k.kind}`) !== undefined);
    const namespaces = namespacesToList(pass, stored, policy);
    // A steady pass takes them from the watches; until those are in step (and while adopting every kind) it lists.
    const watched = await watches?.live(pass.env, objects, kindsToList(known, inventoried, []), namespaces);
    const listed = watched !== undefined && adopting.length === 0
      ? { objects: watched, unreadable: [] }
      : await listEnvironmentObjects(objects, installation, pass.env, kindsToList(known, inventoried, adopting), namespaces);
    const live = listed.objects;
    // 4. The plan, pure.
    const subject = { target: name, policy, env: pass.env, home };
    const plan = planApply({
      installation, env: pass.env, commit: pass.commit, prune: pass.binding.prune, selfHeal: pass.binding.selfHeal, rendered: pass.rendered, live,
      inventory: stored, pruneHold: [...pass.pruneHold, ...unreadable, ...listed.unreadable], allowEmpty: pass.binding.allowEmpty,
      checkPlacement: (object, scope) => checkObjectPolicy(subject, object, scope),
      scopeOf: (apiVersion, kind) => scopes.get(`${apiVersion}/${kind}`),
      memo: memoFor(pass.env),
      ...(pass.binding.namespace === undefined ? {} : { namespace: pass.binding.namespace }),
    });
    return { plan, live, location, stored };
  }

  /** Where an impersonated ServiceAccount lists the environment's objects: its namespace, those the policy grants it that the repo or the inventory name. */
  function namespacesToList(pass: EnvironmentPass, stored: Inventory | undefined, policy: TargetPolicy): string[] {
    const home = pass.binding.namespace ?? 'default';
    const granted = environmentPolicy(policy, pass.env).namespaces ?? [];
    const extra = memoFor(pass.env).facts.of(pass.rendered).namespaces.filter((ns) => namespaceAllowed(ns, granted));
    return [...new Set([home, ...extra, ...inventoryNamespaces(stored)])];
  }

  /** Stores the inventory when it differs from `previous`; a refusal becomes an environment error, never a lost pass. */
  async function store(env: string, location: InventoryLocation, inventory: Inventory, previous: Inventory | undefined, errors: ResourceError[]): Promise<boolean> {
    if (previous !== undefined && sameInventory(inventory, previous)) return true;
    try {
      await unreachableOnNetworkError(name, () => writeInventory(client, location, inventory, { installation, env }, inventories));
      return true;
    } catch (error) {
      if (error instanceof TargetUnreachableError) throw error;
      const message = error instanceof InventoryTooLargeError ? error.message : classifyKubeError(error).message;
      errors.push({ code: 'inventory-write-failed', object: describeRef({ apiVersion: 'v1', kind: 'ConfigMap', ...location }), message: `cannot record what Cascade applied, so nothing is pruned: ${message}` });
      return false;
    }
  }

  /** Steps 0–9 of a pass whose binding the policy allows: namespace, plan, inventory, apply, prune, status. */
  async function applyPass(pass: EnvironmentPass, scope: PassScope): Promise<EnvironmentStatus> {
    const { access } = scope;
    const { plan, live, location, stored } = await timedStep(steps, 'plan', () => unreachableOnNetworkError(name, async () => {
      // 0. The binding's namespace (from deployers.yaml, or a staging's): everything applied lands in it, so it must
      //    exist before the apply. Looked at beside the reads of the plan, not before them: in a namespace that does
      //    not exist yet they find nothing, as they would in one just created, and a pass saves a round trip.
      const namespace = pass.binding.namespace;
      const [outcome, prepared] = await Promise.all([namespace === undefined ? undefined : ensureNamespace(client, namespace, installation, scope.namespaceLabels), prepare(pass, scope)]);
      if (outcome === 'created') logger.info('created namespace', { env: pass.env, namespace });
      return prepared;
    }));
    const applyStarted = performance.now();
    const envErrors: ResourceError[] = [];
    if (plan.pruneHeld !== undefined) envErrors.push({ code: 'prune-held', message: plan.pruneHeld });
    for (const { entry, why } of plan.forgotten) logger.info('dropped from the inventory without deleting', { env: pass.env, object: describeRef(entry.ref), why });
    // 5. Record what may exist after this pass before creating it; without that record nothing is pruned.
    const before = inventoryBeforeApply(plan);
    if (stored !== undefined && plan.retainIsInventory) adoptRetained(inventories, location, stored, plan.retain);
    // The plan knows when its retained entries are the stored inventory's: no need to compare thousands of entries again.
    const recorded = (before === plan.retain && plan.retainIsInventory) || (await store(pass.env, location, before, stored, envErrors));
    // 6–8. Apply foundation, wait for CRDs, apply the rest, prune; then record what is left.
    const claimant = { installation, env: pass.env, home: pass.binding.namespace ?? 'default' };
    const outcome = await carryOut(recorded ? plan : { ...plan, prune: [] }, {
      target: name, client: access.objects, clock, concurrency: options.concurrency ?? 8, crdTimeoutMs: options.crdTimeoutMs ?? 60_000, claimant,
      ...(access.actingAs === undefined ? {} : { actingAs: access.actingAs }),
    });
    // What the server returned is the newest state of those objects; the watches learn it before their events arrive.
    watches?.observe(pass.env, outcome.applied.values());
    await store(pass.env, location, inventoryAfterPrune(plan, outcome.pruned), before, envErrors);
    steps?.('apply', (performance.now() - applyStarted) / 1000);
    const reportStarted = performance.now();
    for (const action of plan.apply) if (outcome.applied.has(action.key)) metrics.applied(pass.env, action.reason);
    for (const _ of outcome.pruned) metrics.pruned(pass.env);
    const errors = [...plan.errors, ...outcome.errors];
    for (const error of [...errors, ...envErrors]) metrics.failed(pass.env, error.code);
    if (plan.apply.length > 0 || outcome.pruned.length > 0) {
      logger.info('applied environment', { env: pass.env, commit: pass.commit, applied: outcome.applied.size, pruned: outcome.pruned.length, errors: errors.length });
    }
    // 9. Status from what the server returned and what was already live.
    // The plan memo indexed these live objects already; the index is reused, not rebuilt.
    const liveByKey = memoFor(pass.env).byObjectKey(live);
    const resources = statuses(pass, plan, liveByKey, outcome, errors, memoFor(pass.env));
    const state = envErrors.some((e) => e.code === 'inventory-write-failed') ? 'Failed' : environmentState(resources);
    const status: EnvironmentStatus = { env: pass.env, target: name, commit: pass.commit, state, resources, ...(envErrors.length > 0 ? { errors: envErrors } : {}), lastSuccess: clock.now().toISOString() };
    const record = recordPass(status, plan, liveByKey, outcome, pass.binding.selfHeal, records.get(pass.env));
    if (record === undefined) records.delete(pass.env);
    else records.set(pass.env, record);
    steps?.('report', (performance.now() - reportStarted) / 1000);
    return status;
  }

  /** What the staging driver does on this cluster; see KubernetesStagingSupport. */
  const stagings: KubernetesStagingSupport = {
    installation,
    parallelism: options.stagingParallelism ?? 4,
    namespaceRefusal(namespace, staging) {
      if (namespaceAllowed(namespace, policy.allowedNamespaces)) return undefined;
      return `staging ${staging} would live in namespace ${namespace}, which target ${name} does not allow (targets.${name}.allowedNamespaces in the deployer's config); nothing is applied or deleted`;
    },
    readNamespace: (namespace) => unreachableOnNetworkError(name, () => client.readObject({ apiVersion: 'v1', kind: 'Namespace', name: namespace })),
    deploy: (pass) => applyPass(pass, { access: { objects: client }, policy: stagingPolicy, namespaceLabels: stagingNamespaceLabels(pass.env) }),
    workloadsLeft: (namespace) => unreachableOnNetworkError(name, () => workloadsLeft(client, namespace)),
    deleteNamespace: async (namespace, staging) => {
      // Its watches would only report the deletion of everything in it.
      watches?.drop(staging);
      await unreachableOnNetworkError(name, () => client.deleteObject({ apiVersion: 'v1', kind: 'Namespace', name: namespace }));
    },
  };

  /** What a watching target adds to the Target interface. */
  const watching: Pick<Target, 'watching' | 'liveVersion' | 'refresh' | 'resync' | 'resyncSteps' | 'retain'> = watches === undefined ? {} : {
    watching: (env) => watches.watching(env),
    liveVersion: (env) => watches.liveVersion(env),
    refresh: (env) => {
      const record = records.get(env);
      const changes = record === undefined ? undefined : watches.takeChanges(env);
      if (record === undefined || changes === undefined) return undefined;
      const status = refreshFromEvents(record, changes, memoFor(env));
      // The next deploy records afresh; until then nothing is refreshed from a record that fell behind.
      if (status === undefined) records.delete(env);
      return status;
    },
    resync: () => watches.resyncOldest(),
    resyncSteps: () => watches.watchCount,
    retain: (envs) => {
      watches.retain(envs);
      const gone = [...new Set([...memos.keys(), ...records.keys()])].filter((env) => !envs.has(env));
      for (const env of gone) {
        memos.delete(env);
        records.delete(env);
      }
      // Inventories are remembered by where they live, not by environment: start afresh once any went away.
      if (gone.length > 0) inventories.clear();
    },
  };

  return {
    name,
    stagings,
    ...watching,
    /** Stops the watches, then lets the connection pool go. */
    async close() {
      await watches?.close();
      await client.close();
    },
    async deploy(pass: EnvironmentPass): Promise<EnvironmentStatus> {
      // The environment and its own namespace must be ones the operator allows; otherwise nothing is read, applied or pruned.
      const refused = refusal(pass);
      if (refused !== undefined) {
        watches?.drop(pass.env);
        return { env: pass.env, target: name, commit: pass.commit, state: 'Failed', resources: [], errors: [refused] };
      }
      return applyPass(pass, environmentScope(pass));
    },

    async plan(pass) {
      // A binding the policy refuses has nothing to plan; deploy reports the same sentence as the environment's error.
      const refused = refusal(pass);
      if (refused !== undefined) throw new Error(refused.message);
      return unreachableOnNetworkError(name, async () => {
        const scope = environmentScope(pass);
        const { access } = scope;
        const { plan, live } = await prepare(pass, scope);
        const dryRun = new Map<string, Manifest>();
        const errors: Array<ResourceError & { resource: string }> = [...plan.errors];
        const claimant = { installation, env: pass.env, home: pass.binding.namespace ?? 'default' };
        // A namespace the deploy would create cannot take dry runs yet: its objects are plain creates.
        const missing = pass.binding.namespace !== undefined && !(await namespaceExists(client, pass.binding.namespace)) ? pass.binding.namespace : undefined;
        for (const action of plan.apply) {
          if (missing !== undefined && action.ref.namespace === missing) continue;
          try {
            const taken = await ownershipError(action, { client: access.objects, claimant });
            if (taken !== undefined) errors.push({ resource: action.resource, ...taken });
            else dryRun.set(action.key, await access.objects.apply(action.object, { dryRun: true }));
          } catch (error) {
            const failure = classifyKubeError(error);
            if (failure.kind === 'unreachable') throw error;
            errors.push({ resource: action.resource, code: failure.code, message: failure.message });
          }
        }
        return { plan, live, dryRun, errors };
      });
    },
  };
}
