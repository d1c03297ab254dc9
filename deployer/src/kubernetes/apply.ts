// Carries out an ApplyPlan against the cluster: per-object errors are collected, an unreachable cluster aborts the pass.
import { isFenceLost } from '@cascade/common/election';
import { ApiException } from '@kubernetes/client-node';
import type { Manifest, ResourceError } from '@cascade/common';
import type { Clock } from '@cascade/common/service';
import { TargetUnreachableError } from '../targets/target.ts';
import type { CascadeObjectApi } from './client.ts';
import { waitForEstablished } from './crd.ts';
import { ENV_LABEL, SOURCE_FILE_ANNOTATION, readAnnotation } from './labels.ts';
import { classifyKubeError, unreachableOnNetworkError } from './errors.ts';
import type { ObjectRef } from './object-key.ts';
import { describeRef, kindRank, objectKey, refOf } from './object-key.ts';
import type { Claimant } from './ownership.ts';
import { ownershipConflict } from './ownership.ts';
import type { ApplyAction, ApplyPlan, PruneAction } from './plan.ts';

/** What carrying out a plan did: objects as the server returned them, errors per resource, what was pruned. */
export interface ApplyOutcome {
  /** Live objects after apply, by object key. */
  applied: Map<string, Manifest>;
  errors: Array<ResourceError & { resource: string }>;
  pruned: PruneAction[];
}

/** Settings of one apply run. */
export interface ApplyContext {
  target: string;
  client: CascadeObjectApi;
  clock: Clock;
  /** Objects applied at the same time within one kind; kinds still go one after the other. */
  concurrency: number;
  crdTimeoutMs: number;
  /** Who applies: an object another environment or installation owns is never taken over. */
  claimant: Claimant;
  /** The ServiceAccount `client` acts as and the config key naming it, for Forbidden answers; absent when it acts as the deployer. */
  actingAs?: string;
}

/** Applies foundation objects, waits for CRDs, applies the rest in kind order, then prunes in reverse, skipping resources that failed to apply. */
export async function carryOut(plan: ApplyPlan, context: ApplyContext): Promise<ApplyOutcome> {
  const outcome: ApplyOutcome = { applied: new Map(), errors: [], pruned: [] };
  const foundation = plan.apply.filter((a) => a.stage === 'foundation');
  await applyInGroups(foundation, context, outcome);
  // 1. New kinds exist only once their CRDs are established; discovery must then be asked again.
  const crds = foundation.filter((a) => a.ref.kind === 'CustomResourceDefinition' && outcome.applied.has(a.key));
  if (crds.length > 0) {
    const late = await unreachableOnNetworkError(context.target, () => waitForEstablished(context.client, crds.map((a) => a.ref), context.clock, context.crdTimeoutMs));
    for (const name of late) {
      const action = crds.find((a) => a.ref.name === name);
      outcome.errors.push({ resource: action?.resource ?? name, code: 'crd-not-established', object: `CustomResourceDefinition ${name}`, message: `CustomResourceDefinition ${name} was not established within ${context.crdTimeoutMs} ms`, ...sourceOf(action) });
    }
    context.client.forgetDiscovery();
  }
  // 2. Everything else, in dependency order.
  await applyInGroups(plan.apply.filter((a) => a.stage === 'objects'), context, outcome);
  // 3. Prune what the repo no longer has, users before what they use. A resource whose apply failed keeps its other
  // objects too (as Flux prunes only after a clean apply): half a change must not delete the other half.
  const failed = new Set(outcome.errors.map((e) => e.resource));
  for (const action of plan.prune) {
    if (failed.has(action.resource)) continue;
    try {
      await context.client.deleteObject(action.ref);
      outcome.pruned.push(action);
    } catch (error) {
      outcome.errors.push({ resource: action.resource, ...objectError(context, error, action.ref, 'prune-failed') });
    }
  }
  return outcome;
}

/** Applies actions of the same kind concurrently, kind after kind. */
async function applyInGroups(actions: ApplyAction[], context: ApplyContext, outcome: ApplyOutcome): Promise<void> {
  let start = 0;
  while (start < actions.length) {
    const rank = kindRank(actions[start]!.ref.kind);
    let end = start;
    while (end < actions.length && kindRank(actions[end]!.ref.kind) === rank) end++;
    const group = actions.slice(start, end);
    const owners = await currentOwners(group, context);
    let next = 0;
    const worker = async () => {
      while (next < group.length) {
        const action = group[next++]!;
        try {
          const taken = await ownershipError(action, context, owners);
          if (taken !== undefined) outcome.errors.push({ resource: action.resource, ...taken });
          else outcome.applied.set(action.key, await applyWhenServed(action, context));
        } catch (error) {
          outcome.errors.push({ resource: action.resource, ...objectError(context, error, action.ref, undefined), ...sourceOf(action) });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(context.concurrency, group.length) }, worker));
    start = end;
  }
}

/** Cascade's objects of some kinds and namespaces, listed once for many creates: what is not listed there does not exist. */
interface KnownOwners {
  /** `apiVersion|kind|namespace` of every listed group. */
  listed: Set<string>;
  /** The listed objects, by object key. */
  objects: Map<string, Manifest>;
}

// From this many creates of one kind in one namespace, one LIST answers them all instead of a GET each.
const LIST_FROM_CREATES = 8;

/** Lists, per kind and namespace with many creates, the objects any Cascade environment labelled there. */
async function currentOwners(actions: ApplyAction[], context: Pick<ApplyContext, 'client'>): Promise<KnownOwners> {
  const owners: KnownOwners = { listed: new Set(), objects: new Map() };
  const counts = new Map<string, { ref: ObjectRef; count: number }>();
  for (const action of actions) {
    if (action.reason !== 'create' || action.ref.namespace === undefined) continue;
    const key = groupKey(action.ref);
    counts.set(key, { ref: action.ref, count: (counts.get(key)?.count ?? 0) + 1 });
  }
  for (const [key, { ref, count }] of counts) {
    if (count < LIST_FROM_CREATES) continue;
    try {
      // Every namespaced object Cascade applies carries the environment label; others cannot conflict.
      for (const object of await context.client.listAll(ref.apiVersion, ref.kind, ENV_LABEL, ref.namespace)) {
        const objectRef = refOf(object);
        if (objectRef !== undefined) owners.objects.set(objectKey(objectRef), object);
      }
      owners.listed.add(key);
    } catch (error) {
      // An account that may not list still gets a GET per create; an unreachable cluster ends the pass as usual.
      if (classifyKubeError(error).kind === 'unreachable') throw error;
    }
  }
  return owners;
}

function groupKey(ref: ObjectRef): string {
  return `${ref.apiVersion}|${ref.kind}|${ref.namespace ?? ''}`;
}

/**
 * For a create, the error refusing it when the object exists and another environment or installation owns it.
 * Only creates pay this check (one GET, or their share of one LIST): an object in the environment's live list
 * already carries its labels.
 */
export async function ownershipError(action: ApplyAction, context: Pick<ApplyContext, 'client' | 'claimant'>, known?: KnownOwners): Promise<ResourceError | undefined> {
  if (action.reason !== 'create') return undefined;
  const existing = known?.listed.has(groupKey(action.ref)) ? known.objects.get(objectKey(action.ref)) : await context.client.readObject(action.ref);
  const conflict = existing === undefined ? undefined : ownershipConflict(existing, action.ref, context.claimant);
  return conflict === undefined ? undefined : { code: 'owned-elsewhere', object: describeRef(action.ref), message: conflict, ...sourceOf(action) };
}

/**
 * Applies one object, waiting briefly while the API server answers a bare `404 page not found`:
 * right after a CRD is established its kind can be discovered a moment before requests for it are served.
 */
async function applyWhenServed(action: ApplyAction, context: ApplyContext): Promise<Manifest> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await context.client.apply(action.object, { force: action.reason === 'drift' });
    } catch (error) {
      const notServedYet = error instanceof ApiException && error.code === 404 && typeof error.body === 'string';
      if (!notServedYet || attempt >= NOT_SERVED_ATTEMPTS) throw error;
      await context.clock.sleep(200 * attempt);
    }
  }
}

// About 9 s in all, well within how long an API server takes to serve a freshly established kind.
const NOT_SERVED_ATTEMPTS = 10;

/** A per-object error, or a thrown TargetUnreachableError when the failure is the cluster's, not the object's. */
function objectError(context: ApplyContext, error: unknown, ref: ObjectRef, code: string | undefined): ResourceError {
  // The replica lost the Lease of this environment's shard: the pass ends here, without another write.
  if (isFenceLost(error)) throw error;
  const failure = classifyKubeError(error);
  if (failure.kind === 'unreachable') throw new TargetUnreachableError({ target: context.target, cause: failure.message });
  // With impersonation the cluster's RBAC for the environment's ServiceAccount decides; say which one to change.
  const actingAs = failure.status === 403 && context.actingAs !== undefined ? ` (acting as ${context.actingAs})` : '';
  return { code: code ?? failure.code, object: describeRef(ref), message: `${describeRef(ref)}: ${failure.message}${actingAs}` };
}

/** The repo file an action's object came from, so its error names the file to change. */
function sourceOf(action: ApplyAction | undefined): { file?: string } {
  const file = action === undefined ? undefined : readAnnotation(action.object, SOURCE_FILE_ANNOTATION);
  return file ? { file } : {};
}
