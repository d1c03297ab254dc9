// The Kubernetes target: one pass per environment — discover, read live, plan, apply, prune, report.
import type { EnvironmentStatus, Manifest, ResourceError, ResourceStatus } from '@cascade/common';
import type { Clock, Logger } from '@cascade/common/service';
import { environmentState } from '../status/environment-state.ts';
import type { EnvironmentPass, Target } from '../targets/target.ts';
import type { ApplyOutcome } from './apply.ts';
import { carryOut } from './apply.ts';
import type { CascadeObjectApi, DiscoveredKind } from './client.ts';
import { classifyKubeError, unreachableOnNetworkError } from './errors.ts';
import { CONTENT_HASH_ANNOTATION, readAnnotation } from './labels.ts';
import type { KindToList } from './live.ts';
import { kindsToList, listEnvironmentObjects } from './live.ts';
import type { Scope } from './object-key.ts';
import { byObjectKey, objectKey } from './object-key.ts';
import type { ApplyPlan } from './plan.ts';
import { planApply } from './plan.ts';
import { resourceStatus } from './resource-status.ts';
import { ensureNamespace, namespaceExists } from './namespace.ts';

/** Counters the target reports to; the service binds them to its metrics registry. */
export interface KubernetesTargetMetrics {
  /** One object applied; `reason` is create, change or drift (a self-heal correction). */
  applied(env: string, reason: string): void;
  pruned(env: string): void;
  /** One object or resource failed, by error code. */
  failed(env: string, code: string): void;
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
}

/** A Kubernetes target, plus the dry-run diff behind `cascade diff`. */
export interface KubernetesTarget extends Target {
  /** Plans the pass and server-side dry-runs every apply; changes nothing. */
  plan(pass: EnvironmentPass): Promise<{ plan: ApplyPlan; live: Manifest[]; dryRun: Map<string, Manifest>; errors: Array<ResourceError & { resource: string }> }>;
}

const NO_METRICS: KubernetesTargetMetrics = { applied() {}, pruned() {}, failed() {} };

/** Creates a Kubernetes target over one cluster connection. */
export function createKubernetesTarget(options: KubernetesTargetOptions): KubernetesTarget {
  const { client, clock, name, installation } = options;
  const metrics = options.metrics ?? NO_METRICS;
  // Kinds applied per environment, so they are listed (and pruned) even after they leave the repo.
  const remembered = new Map<string, KindToList[]>();
  let prunable: { commit: string; kinds: DiscoveredKind[] } | undefined;

  /** Steps 1–3 of a pass: scopes of the rendered kinds, the live objects, the plan. */
  async function prepare(pass: EnvironmentPass): Promise<{ plan: ApplyPlan; live: Manifest[] }> {
    const renderedKinds = distinctKinds(pass.rendered.flatMap((r) => (r.ok ? r.manifests : [])));
    // 1. Scopes from discovery; kinds it does not know may still come from a CRD in the same commit.
    const scopes = new Map<string, Scope | undefined>();
    for (const k of renderedKinds) scopes.set(`${k.apiVersion}/${k.kind}`, await client.scopeOf(k.apiVersion, k.kind));
    // 2. Live objects; with prune, every prunable kind, re-discovered once per commit since CRDs come and go.
    if (pass.binding.prune && prunable?.commit !== pass.commit) prunable = { commit: pass.commit, kinds: await client.discoverPrunableKinds() };
    const known = renderedKinds.filter((k) => scopes.get(`${k.apiVersion}/${k.kind}`) !== undefined);
    const kinds = kindsToList(known, remembered.get(pass.env) ?? [], pass.binding.prune ? prunable?.kinds ?? [] : []);
    const live = await listEnvironmentObjects(client, installation, pass.env, kinds);
    // 3. The plan, pure.
    const plan = planApply({
      installation, env: pass.env, commit: pass.commit, prune: pass.binding.prune, selfHeal: pass.binding.selfHeal, rendered: pass.rendered, live,
      scopeOf: (apiVersion, kind) => scopes.get(`${apiVersion}/${kind}`),
      ...(pass.binding.namespace === undefined ? {} : { namespace: pass.binding.namespace }),
    });
    return { plan, live };
  }

  return {
    name,
    async deploy(pass: EnvironmentPass): Promise<EnvironmentStatus> {
      const { plan, live } = await unreachableOnNetworkError(name, async () => {
        // 0. The namespace deployers.yaml names: everything below lands in it, so it must exist first.
        const namespace = pass.binding.namespace;
        if (namespace !== undefined && (await ensureNamespace(client, namespace, installation)) === 'created') {
          options.logger.info('created namespace', { env: pass.env, namespace });
        }
        return prepare(pass);
      });
      // 4–6. Apply foundation, wait for CRDs, apply the rest, prune.
      const outcome = await carryOut(plan, { target: name, client, clock, concurrency: options.concurrency ?? 8, crdTimeoutMs: options.crdTimeoutMs ?? 60_000 });
      remembered.set(pass.env, kindsToList(distinctKinds([...plan.apply.map((a) => a.object), ...live]), remembered.get(pass.env) ?? [], []));
      for (const action of plan.apply) if (outcome.applied.has(objectKey(action.ref))) metrics.applied(pass.env, action.reason);
      for (const _ of outcome.pruned) metrics.pruned(pass.env);
      const errors = [...plan.errors, ...outcome.errors];
      for (const error of errors) metrics.failed(pass.env, error.code);
      if (plan.apply.length > 0 || outcome.pruned.length > 0) {
        options.logger.info('applied environment', { env: pass.env, commit: pass.commit, applied: outcome.applied.size, pruned: outcome.pruned.length, errors: errors.length });
      }
      // 7. Status from what the server returned and what was already live.
      const resources = statuses(pass, plan, live, outcome, errors);
      return { env: pass.env, target: name, commit: pass.commit, state: environmentState(resources), resources, lastSuccess: clock.now().toISOString() };
    },

    async plan(pass) {
      return unreachableOnNetworkError(name, async () => {
        const { plan, live } = await prepare(pass);
        const dryRun = new Map<string, Manifest>();
        const errors: Array<ResourceError & { resource: string }> = [...plan.errors];
        // A namespace the deploy would create cannot take dry runs yet: its objects are plain creates.
        const missing = pass.binding.namespace !== undefined && !(await namespaceExists(client, pass.binding.namespace)) ? pass.binding.namespace : undefined;
        for (const action of plan.apply) {
          if (missing !== undefined && action.ref.namespace === missing) continue;
          try {
            dryRun.set(objectKey(action.ref), await client.apply(action.object, { dryRun: true }));
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

/** Per-resource statuses: every rendered resource, plus resources whose objects failed to prune. */
function statuses(pass: EnvironmentPass, plan: ApplyPlan, live: Manifest[], outcome: ApplyOutcome, errors: Array<ResourceError & { resource: string }>): ResourceStatus[] {
  const liveByKey = byObjectKey(live);
  const planned = [...plan.apply, ...plan.unchanged];
  const hashes = new Map(plan.apply.map((a) => [objectKey(a.ref), a.contentHash]));
  const result: ResourceStatus[] = [];
  const names = new Set([...pass.rendered.map((r) => r.name), ...errors.map((e) => e.resource)]);
  for (const resourceName of [...names].sort()) {
    const rendered = pass.rendered.find((r) => r.name === resourceName);
    const objects = planned.filter((p) => p.resource === resourceName).map((p) => {
      const key = objectKey(p.ref);
      const current = outcome.applied.get(key) ?? liveByKey.get(key);
      // Unchanged objects are, by definition, live with the hash they carry.
      const contentHash = hashes.get(key) ?? hashOf(current);
      return { ref: p.ref, contentHash, ...(current === undefined ? {} : { live: current }) };
    });
    const resourceErrors = errors.filter((e) => e.resource === resourceName).map(({ resource: _r, ...e }) => e);
    result.push(resourceStatus({ name: resourceName, ...(rendered?.ok && rendered.version !== undefined ? { version: rendered.version } : {}), objects, errors: resourceErrors }));
  }
  return result;
}

function hashOf(object: Manifest | undefined): string {
  return object === undefined ? '' : readAnnotation(object, CONTENT_HASH_ANNOTATION) ?? '';
}

function distinctKinds(objects: Manifest[]): KindToList[] {
  const seen = new Map<string, KindToList>();
  for (const o of objects) {
    if (typeof o.apiVersion === 'string' && typeof o.kind === 'string') seen.set(`${o.apiVersion}/${o.kind}`, { apiVersion: o.apiVersion, kind: o.kind });
  }
  return [...seen.values()];
}
