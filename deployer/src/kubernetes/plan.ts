// planApply: decides from the rendered resources and the live objects what to apply, skip and prune. No I/O.
import type { Manifest, PolicyObject, PolicyViolation, RenderedResource, ResourceError } from '@cascade/common';
import { LayeredMap, merged } from '@cascade/common';
import { findDrift } from './drift.ts';
import type { MarkOrigin } from './labels.ts';
import { CONTENT_HASH_ANNOTATION, asRecord, hashObject, hashedPart, readAnnotation, stampCommit } from './labels.ts';
import type { Inventory, InventoryEntry } from './inventory.ts';
import { INVENTORY_NAME_PREFIX, adoptInventory, notPrunable, sameEntries, sameInventory } from './inventory.ts';
import type { ObjectRef, Scope, ScopeLookup } from './object-key.ts';
import { apiGroup, describeRef, isFoundation, kindRank, objectKey, refOf, scopeFromCrd } from './object-key.ts';
import type { PlacedObject, PlanTrail, PreparedObject, SettledObject } from './plan-memo.ts';
import { PlanMemo } from './plan-memo.ts';

/** Everything planApply decides from. */
export interface PlanInput {
  /** This installation's id, written on every object and required on every object pruned. */
  installation: string;
  env: string;
  /** Namespace for namespaced objects that name none; `default` when the binding names none either. */
  namespace?: string;
  commit: string;
  prune: boolean;
  selfHeal: boolean;
  rendered: RenderedResource[];
  /** Live objects: those carrying this installation's labels for the environment. */
  live: Manifest[];
  /** What this installation applied for the environment before; `undefined` when none is stored yet (adopted from `live`). */
  inventory: Inventory | undefined;
  /** Why nothing may be pruned in this environment this pass (its folder structure is broken); empty or absent when pruning may go on. */
  pruneHold?: string[];
  /** Prune even when the environment renders no object at all (`allowEmpty` in deployers.yaml). */
  allowEmpty?: boolean;
  /** The target's policy for this environment: which namespaces and kinds its objects may have (see checkObjectPolicy). */
  checkPlacement: PlacementCheck;
  scopeOf: ScopeLookup;
  /** What earlier passes of this environment under the same policy worked out; without one every object is prepared afresh. */
  memo?: PlanMemo;
}

/** Judges one object, placed in its namespace, against the target's policy; undefined when it may be applied. */
export type PlacementCheck = (object: PolicyObject, scope: Scope) => PolicyViolation | undefined;

/** Why an object is applied. */
export type ApplyReason = 'create' | 'change' | 'drift';

/** One object to apply. `foundation` objects (Namespaces, CRDs) go first, then the CRDs must be established. */
export interface ApplyAction {
  stage: 'foundation' | 'objects';
  resource: string;
  ref: ObjectRef;
  /** objectKey(ref), worked out once. */
  key: string;
  /** The object with Cascade's labels and annotations, ready for server-side apply. */
  object: Manifest;
  contentHash: string;
  /** What builds the part the hash covers again (hashedOf), which self-heal compares with the live object. */
  placed?: PlacedObject;
  reason: ApplyReason;
  /** Paths changed by hand, when reason is `drift`. */
  drift?: string[];
}

/** One live object Cascade applied for the environment that the repo no longer has. */
export interface PruneAction {
  resource: string;
  ref: ObjectRef;
  entry: InventoryEntry;
}

/** An inventory entry dropped without deleting anything: the object is gone, or no longer Cascade's to delete. */
export interface ForgottenEntry {
  entry: InventoryEntry;
  why: string;
}

/** An error that kept one object or resource out of the plan. */
export interface PlanError extends ResourceError {
  resource: string;
}

/** The outcome of planApply, each list in the order it must be carried out. */
export interface ApplyPlan {
  apply: ApplyAction[];
  /**
   * Objects of resources planned afresh that are live as rendered; with the hash and what builds the hashed part, so
   * a watch event can be checked against them later. Those of settled resources are in `settled`.
   */
  unchanged: PlacedObject[];
  prune: PruneAction[];
  /** Inventory entries that stay whatever the pass does: objects rendered now, and those pruning must keep. */
  retain: Inventory;
  forgotten: ForgottenEntry[];
  /** Why pruning was held for the whole environment this pass, when it was. */
  pruneHeld?: string;
  /** Whether `retain` has exactly the entries of the inventory the plan read (so storing it again would change nothing). */
  retainIsInventory: boolean;
  /**
   * How the plan follows the last plan of its memo: its own mark, and, when it carried that plan over with every
   * resource name in its place, that plan's mark and the names of the resources it looked at again (every other one
   * is as that plan had it). What is recorded from a plan can then be carried over for those names alone.
   */
  lineage?: { id: number; carried?: { from: number; revisited: readonly string[] } };
  errors: PlanError[];
  /**
   * The resources planned from what an earlier pass remembered (nothing to apply, every object the same live object
   * as then), with those objects (each one's `unchanged` entry): the same array pass after pass while that holds, so
   * a status or record made from it can be reused as it is.
   */
  settled: Map<string, readonly SettledObject[]>;
}

/** One object of a plan: to apply, or live as rendered. */
export type PlannedEntry = ApplyAction | PlacedObject;

const replannedOf = new WeakMap<ApplyPlan, Map<string, PlannedEntry[]>>();

/**
 * The planned objects of each resource that is not settled this pass (those to apply first, then those live as
 * rendered), worked out once per plan: the statuses and the record both read it, and neither walks settled ones.
 */
export function replannedByResource(plan: ApplyPlan): ReadonlyMap<string, readonly PlannedEntry[]> {
  let groups = replannedOf.get(plan);
  if (groups !== undefined) return groups;
  groups = new Map();
  const add = (entry: PlannedEntry) => {
    const group = groups!.get(entry.resource);
    if (group === undefined) groups!.set(entry.resource, [entry]);
    else group.push(entry);
  };
  for (const action of plan.apply) add(action);
  for (const entry of plan.unchanged) add(entry);
  replannedOf.set(plan, groups);
  return groups;
}

/** Decides what to apply, in which order, and what to prune; errors stay per resource and never stop the others. */
export function planApply(input: PlanInput): ApplyPlan {
  const memo = input.memo ?? new PlanMemo();
  const liveByKey = memo.byObjectKey(input.live);
  const { crds } = memo.facts.of(input.rendered);
  // Looked up once per kind and pass (by apiVersion, then kind), not once per object.
  const scopes = new Map<string, Map<string, Scope | undefined>>();
  const scopeOf = (apiVersion: string, kind: string): Scope | undefined => {
    let byKind = scopes.get(apiVersion);
    if (byKind === undefined) scopes.set(apiVersion, (byKind = new Map()));
    if (byKind.has(kind)) return byKind.get(kind);
    const scope = input.scopeOf(apiVersion, kind) ?? (crds.length === 0 ? undefined : crds.map((crd) => scopeFromCrd(crd, apiVersion, kind)).find((s) => s !== undefined));
    byKind.set(kind, scope);
    return scope;
  };
  const blocked = new Set<string>();
  const namespace = input.namespace ?? 'default';
  // What besides a resource's own render its plan reads; a resource settled under another context is planned afresh.
  const passContext = [input.installation, input.env, namespace, input.selfHeal].join('\0');

  const trail = carriedTrail(input, memo, passContext, scopeOf);
  const prepareFor: PrepareFor = (resource) => {
    const file = resource.sourceFiles.join(',');
    const origin = { installation: input.installation, env: input.env, resource: resource.name, version: resource.version, sourceFiles: resource.sourceFiles };
    // Everything besides the manifest that placing and hashing read; the commit is stamped on later, so a new commit reuses the work.
    const context = [input.installation, input.env, namespace, resource.name, resource.version ?? '\u0001', file].join('\0');
    return (manifest: Manifest) => {
      const scope = typeof manifest.apiVersion === 'string' && typeof manifest.kind === 'string' ? scopeOf(manifest.apiVersion, manifest.kind) : undefined;
      return { scope, prepared: memo.prepare(manifest, context, scope, () => prepareObject(manifest, namespace, scopeOf, input.checkPlacement, origin)) };
    };
  };
  const carried = trail === undefined ? undefined : carriedResources(input.rendered, trail, prepareFor);
  const settledAt: Array<readonly SettledObject[] | undefined> = new Array(input.rendered.length);
  // What each resource planned afresh claimed, so the next plan can take its claims back out of this one's.
  const claimedAt: Array<string[] | undefined> = new Array(input.rendered.length);
  const settledAnew: number[] = [];
  // The claims and settled resources of the last plan without those planned again now; a plan afresh starts empty.
  const plan: ApplyPlan = { apply: [], unchanged: [], prune: [], retain: carried?.claims ?? new Map(), forgotten: [], errors: [], settled: carried?.settled ?? new Map(), retainIsInventory: false };
  // The resources not carried over, looked at again below.
  const revisited: string[] = [];
  // The keys claimed by resources not carried over, which with the released and held ones are all a carried plan's retain differs in.
  const claimedNow: string[] = [];
  // Which resource claimed each object so far: the retained entries, set as each object is claimed. Carried resources'
  // claims are in from the start; no resource planned now claims any of them (see carriedResources).
  const claimed = plan.retain;

  for (let index = 0; index < input.rendered.length; index++) {
    const resource = input.rendered[index]!;
    // A resource whose render is the same object and whose objects are all still the live ones it was compared with
    // plans as it did: nothing to apply. This keeps a pass over thousands of settled resources to a few lookups each;
    // one the last plan settled, with nothing it reads changed since (`carried`), is not even looked at.
    const kept = carried?.settledAt[index];
    if (kept !== undefined) {
      settledAt[index] = kept;
      continue;
    }
    revisited.push(resource.name);
    const settled = resource.ok ? memo.settled(resource, passContext) : undefined;
    if (settled !== undefined && stillSettled(settled, liveByKey, claimed, scopeOf)) {
      for (const o of settled) {
        claimed.set(o.unchanged.key, o.unchanged);
        claimedNow.push(o.unchanged.key);
      }
      plan.settled.set(resource.name, settled);
      settledAt[index] = settled;
      continue;
    }
    if (!resource.ok) {
      blocked.add(resource.name);
      for (const p of resource.problems.filter((p) => p.severity === 'error')) {
        plan.errors.push({ resource: resource.name, code: p.code, file: p.file, message: p.message });
      }
      continue;
    }
    const file = resource.sourceFiles.join(',');
    const prepare = prepareFor(resource);
    // Settled once every object turns out live as rendered; anything else (an apply, an error) plans it again next time.
    let settling: SettledObject[] | undefined = [];
    const claims: string[] = [];
    claimedAt[index] = claims;
    for (const manifest of resource.manifests) {
      const { scope, prepared } = prepare(manifest);
      if ('error' in prepared) {
        blocked.add(resource.name);
        plan.errors.push({ resource: resource.name, file, ...prepared.error });
        settling = undefined;
        continue;
      }
      const { ref, key, contentHash } = prepared;
      const owner = claimed.get(key)?.resource;
      if (owner !== undefined) {
        blocked.add(resource.name);
        plan.errors.push({ resource: resource.name, file, code: 'duplicate-object', object: describeRef(ref), message: `${describeRef(ref)} is already defined by resource ${owner}` });
        settling = undefined;
        continue;
      }
      // The prepared object is the claim too (see PlacedObject).
      claimed.set(key, prepared);
      claims.push(key);
      claimedNow.push(key);
      const live = liveByKey.get(key);
      const stage = stageOf(ref);
      const action = (reason: ApplyReason, drift?: string[]): ApplyAction => ({
        stage, resource: resource.name, ref, key, object: stampCommit({ hashed: hashedOf(prepared), contentHash }, input.commit), contentHash, placed: prepared, reason,
        ...(drift === undefined ? {} : { drift }),
      });
      const liveHash = live === undefined ? undefined : readAnnotation(live, CONTENT_HASH_ANNOTATION);
      if (live === undefined) plan.apply.push(action('create'));
      else if (liveHash !== contentHash) plan.apply.push(action('change'));
      else {
        // The same hash: the placed object takes the live object's string, so the two hold one copy between them
        // rather than one each (at 10,000 × 4, some 10 MB of hashes held twice).
        prepared.contentHash = liveHash;
        const drift = input.selfHeal ? memo.findDrift(contentHash, live, () => findDrift(hashedOf(prepared), live)) : [];
        if (drift.length > 0) plan.apply.push(action('drift', drift));
        else {
          plan.unchanged.push(prepared);
          settling?.push({ scope: scope!, live, unchanged: prepared });
          continue;
        }
      }
      settling = undefined;
    }
    memo.settle(resource, passContext, settling);
    settledAt[index] = settling;
    if (settling !== undefined) settledAnew.push(index);
  }
  plan.apply.sort((a, b) => stageRank(a.stage) - stageRank(b.stage) || kindRank(a.ref.kind) - kindRank(b.ref.kind));
  // With the same inventory as the last plan, only what it left unclaimed and what was released since can be unclaimed now.
  const inventoryAsBefore = carried !== undefined && input.inventory !== undefined && trail!.inventory === input.inventory;
  const { held, unclaimed } = planPrune(input, plan, liveByKey, blocked, inventoryAsBefore ? [...trail!.unclaimed, ...carried.released] : undefined);
  // When the last plan's retain had this inventory's entries, only the keys whose entry may have changed since need
  // comparing: those released, claimed now, or held then (what is held now was one of these).
  plan.retainIsInventory = input.inventory !== undefined &&
    (inventoryAsBefore && trail!.retainIsInventory ? sameEntries(plan.retain, input.inventory, [...carried.released, ...claimedNow, ...trail!.held]) : sameInventory(plan.retain, input.inventory));
  const id = nextPlanId++;
  plan.lineage = { id, ...(carried?.sameNames === true ? { carried: { from: trail!.id, revisited } } : {}) };
  memo.rememberPlan({
    // A copy of the rendered list: the caller may reuse its array, and the next plan tells what changed by places.
    id, context: passContext, rendered: input.rendered.slice(), settledAt, claimedAt, scopes, claims: plan.retain, held, settled: plan.settled, settledAnew, inventory: input.inventory, unclaimed, retainIsInventory: plan.retainIsInventory,
    // Names in the same places keep their positions: worked out again only when a place changed hands.
    positions: carried?.sameNames === true ? trail!.positions : positionsOf(input.rendered),
    // Every resource not looked at again was carried over.
    carried: carried === undefined ? 0 : input.rendered.length - revisited.length,
  });
  return plan;
}

/** Marks plans apart, so what was recorded from one can be matched with the plan that carried it over. */
let nextPlanId = 1;

type PrepareFor = (resource: RenderedResource & { ok: true }) => (manifest: Manifest) => { scope: Scope | undefined; prepared: PreparedObject };

/**
 * The last plan's trail, when this plan may carry over what it settled: the same context and as many resources, every
 * kind of the same scope, and the live objects that changed since known (not indexed afresh). Takes the live changes
 * either way, so the next plan counts from this one.
 */
function carriedTrail(input: PlanInput, memo: PlanMemo, context: string, scopeOf: ScopeLookup): CarriedTrail | undefined {
  const changed = memo.takeLiveChanges();
  const trail = memo.lastPlan;
  if (changed === 'unknown' || trail?.positions === undefined || trail.context !== context || trail.rendered.length !== input.rendered.length) return undefined;
  for (const [apiVersion, kinds] of trail.scopes) for (const [kind, scope] of kinds) if (scopeOf(apiVersion, kind) !== scope) return undefined;
  return { ...trail, positions: trail.positions, changed };
}

/** The last plan's trail as a plan carries it over: names unique, and the live changes since. */
type CarriedTrail = PlanTrail & { positions: ReadonlyMap<string, number>; changed: ReadonlySet<string> };

/** What a plan carries over from the last: the settled objects by position, and the last plan's claims and settled resources without those planned again. */
interface Carried {
  settledAt: Array<readonly SettledObject[] | undefined>;
  claims: Map<string, InventoryEntry>;
  settled: Map<string, readonly SettledObject[]>;
  /** Whether every place still has the resource name it had. */
  sameNames: boolean;
  /** The last plan's claims of the resources planned again. */
  released: string[];
}

/**
 * The settled objects of each resource that planning afresh would find settled again without a doubt, by position:
 * the same render the last plan settled, none of its live objects changed since, and none of its objects claimed by
 * a resource planned this time (all others were distinct from it in the last plan and still are). Costs a reference
 * comparison per resource, plus work for what changed: who claimed each changed key in the last plan, and copies of
 * its claims and settled resources with those of the resources planned again taken out.
 */
function carriedResources(rendered: readonly RenderedResource[], trail: CarriedTrail, prepareFor: PrepareFor): Carried {
  const settledAt: Array<readonly SettledObject[] | undefined> = new Array(rendered.length);
  const planned: number[] = [];
  for (let index = 0; index < rendered.length; index++) {
    const settled = rendered[index] === trail.rendered[index] ? trail.settledAt[index] : undefined;
    if (settled !== undefined) settledAt[index] = settled;
    else planned.push(index);
  }
  // The keys whose claimant in the last plan must be looked at again: live objects changed since, and what the
  // resources planned this time claim (prepared here once, which the plan then finds in the memo).
  const touched = new Set(trail.changed);
  let sameNames = true;
  for (const index of planned) {
    const resource = rendered[index]!;
    if (resource.name !== trail.rendered[index]!.name) sameNames = false;
    if (!resource.ok) continue;
    const prepare = prepareFor(resource);
    for (const manifest of resource.manifests) {
      const { prepared } = prepare(manifest);
      if (!('error' in prepared)) touched.add(prepared.key);
    }
  }
  for (const key of touched) {
    const claimant = trail.claims.get(key)?.resource;
    // A settled resource claimed each of its keys in the last plan under its own name, at its own place (names are unique).
    const index = claimant === undefined ? undefined : trail.positions.get(claimant);
    if (index !== undefined && settledAt[index] !== undefined) {
      settledAt[index] = undefined;
      planned.push(index);
    }
  }
  // Shared with the last plan's maps rather than copied: at thousands of objects a copy was most of a carried plan.
  const claims = LayeredMap.derive(trail.claims);
  const settled = LayeredMap.derive(trail.settled);
  // Settled afresh in the last plan, so not in its settled resources; planned from memory now.
  for (const index of trail.settledAnew) if (settledAt[index] !== undefined) settled.set(rendered[index]!.name, settledAt[index]!);
  for (const key of trail.held) claims.delete(key);
  const released: string[] = [];
  for (const index of planned) {
    for (const o of trail.settledAt[index] ?? []) released.push(o.unchanged.key);
    released.push(...(trail.claimedAt[index] ?? []));
    settled.delete(trail.rendered[index]!.name);
  }
  for (const key of released) claims.delete(key);
  return { settledAt, claims, settled, sameNames, released };
}

/** Where each resource stands in `rendered`; undefined when a name is used twice (then a name does not tell a place). */
function positionsOf(rendered: readonly RenderedResource[]): ReadonlyMap<string, number> | undefined {
  const positions = new Map<string, number>();
  for (let index = 0; index < rendered.length; index++) {
    const { name } = rendered[index]!;
    if (positions.has(name)) return undefined;
    positions.set(name, index);
  }
  return positions;
}

/** Whether every settled object is still the live object it was compared with, unclaimed so far, and of a kind with the same scope. */
function stillSettled(settled: readonly SettledObject[], liveByKey: ReadonlyMap<string, Manifest>, claimed: ReadonlyMap<string, unknown>, scopeOf: ScopeLookup): boolean {
  // A loop rather than every(): this runs for each of thousands of resources on every pass.
  for (const o of settled) {
    const { key, ref } = o.unchanged;
    if (liveByKey.get(key) !== o.live || claimed.has(key) || scopeOf(ref.apiVersion, ref.kind) !== o.scope) return false;
  }
  return true;
}

/**
 * Sorts the inventory entries no rendered object claims into prune, retain and forget. Only inventory entries are
 * ever deleted, and only when the live object still carries every one of Cascade's marks and has no owner. With
 * `candidates` (keys that include every unclaimed one), only those are looked at, in the inventory's order.
 * Returns the keys of the unclaimed entries, and of those it retained.
 */
function planPrune(input: PlanInput, plan: ApplyPlan, liveByKey: Map<string, Manifest>, blocked: Set<string>, candidates?: readonly string[]): { held: string[]; unclaimed: string[] } {
  const inventory = input.inventory ?? adoptInventory(input.live, input.installation, input.env);
  const unclaimed: Array<[string, InventoryEntry]> = [];
  if (candidates !== undefined) {
    const order = candidates.length > 1 ? inventoryOrder(inventory) : undefined;
    for (const key of new Set(candidates)) {
      const entry = inventory.get(key);
      if (entry !== undefined && !plan.retain.has(key)) unclaimed.push([key, entry]);
    }
    if (order !== undefined) unclaimed.sort(([a], [b]) => order.get(a)! - order.get(b)!);
  } else {
    // Walked in place: at thousands of objects, a copy of every entry per pass is most of what pruning nothing costs.
    for (const [key, entry] of inventory) if (!plan.retain.has(key)) unclaimed.push([key, entry]);
  }
  plan.pruneHeld = pruneHeld(input, plan, unclaimed.length);
  const held: string[] = [];
  for (const [key, entry] of unclaimed) {
    // A resource that failed to read or render keeps its live objects: a typo in a base must not delete production.
    if (!input.prune || plan.pruneHeld !== undefined || blocked.has(entry.resource)) {
      plan.retain.set(key, entry);
      held.push(key);
      continue;
    }
    const live = liveByKey.get(key);
    if (live === undefined) {
      plan.forgotten.push({ entry, why: 'it no longer exists' });
      continue;
    }
    const why = notPrunable(live, entry, input.installation, input.env);
    if (why === undefined) plan.prune.push({ resource: entry.resource, ref: { ...entry.ref, apiVersion: String(live.apiVersion) }, entry });
    else plan.forgotten.push({ entry, why });
  }
  // Reverse apply order: what uses a namespace or CRD goes before it.
  plan.prune.sort((a, b) => stageRank(stageOf(b.ref)) - stageRank(stageOf(a.ref)) || kindRank(b.ref.kind) - kindRank(a.ref.kind));
  return { held, unclaimed: unclaimed.map(([key]) => key) };
}

const inventoryOrders = new WeakMap<Inventory, Map<string, number>>();

/** Where each key stands in an inventory, worked out once per inventory object. */
function inventoryOrder(inventory: Inventory): Map<string, number> {
  let order = inventoryOrders.get(inventory);
  if (order === undefined) {
    order = new Map();
    for (const key of inventory.keys()) order.set(key, order.size);
    inventoryOrders.set(inventory, order);
  }
  return order;
}

/** Why the whole environment must not prune this pass, if it must not. */
function pruneHeld(input: PlanInput, plan: ApplyPlan, unclaimed: number): string | undefined {
  if (!input.prune || unclaimed === 0) return undefined;
  if (input.pruneHold !== undefined && input.pruneHold.length > 0) return `pruning is held until the repo is fixed: ${input.pruneHold.join('; ')}`;
  // Like Argo CD's allowEmpty: an environment that suddenly renders nothing is far more often a mistake than a wish.
  if (plan.retain.size === 0 && plan.errors.length === 0 && !input.allowEmpty) {
    return `the environment renders no objects, so pruning would delete all ${unclaimed} objects it has; set allowEmpty: true on its entry in deployers.yaml to allow that`;
  }
  return undefined;
}

type Placed = { ref: ObjectRef; object: Manifest } | { error: { code: string; message: string; object?: string } };

/**
 * Places a rendered object and hashes it with Cascade's marks: the per-object work a memo keeps while nothing it reads
 * changes. Keeps the hash, not the marked object (hashedOf builds it again when an apply or a drift check needs it).
 */
function prepareObject(manifest: Manifest, namespace: string, scopeOf: ScopeLookup, checkPlacement: PlacementCheck, origin: MarkOrigin): PreparedObject {
  const placed = placeObject(manifest, namespace, scopeOf, checkPlacement);
  if ('error' in placed) return placed;
  return { resource: origin.resource, ref: placed.ref, key: objectKey(placed.ref), contentHash: hashObject(placed.object, origin).contentHash, manifest, origin };
}

/** The part of a prepared object its hash covers, built again from its render, its placed ref and its origin. */
export function hashedOf(placed: Pick<PlacedObject, 'manifest' | 'ref' | 'origin'>): Manifest {
  return hashedPart(placedManifest(placed.manifest, placed.ref), placed.origin);
}

/** The rendered object in the namespace of its placed ref; a ref without a namespace is of a cluster-scoped kind. */
function placedManifest(manifest: Manifest, ref: ObjectRef): Manifest {
  const metadata = asRecord(manifest.metadata);
  if (ref.namespace === undefined) {
    const { namespace: _ignored, ...rest } = metadata;
    return { ...manifest, metadata: rest };
  }
  return { ...manifest, metadata: merged(metadata, { namespace: ref.namespace }) };
}

/** Checks a rendered object's identity and policy, and gives namespaced objects the environment's namespace when they name none. */
function placeObject(manifest: Manifest, namespace: string, scopeOf: ScopeLookup, checkPlacement: PlacementCheck): Placed {
  const ref = refOf(manifest);
  if (ref === undefined) return { error: { code: 'invalid-manifest', message: 'a manifest needs apiVersion, kind and metadata.name' } };
  const scope = scopeOf(ref.apiVersion, ref.kind);
  if (scope === undefined) {
    return { error: { code: 'unknown-kind', object: describeRef(ref), message: `the cluster does not know kind ${ref.kind} in ${ref.apiVersion}, and no CustomResourceDefinition in the environment defines it` } };
  }
  // The inventory is Cascade's record of what it may prune; a rendered object must never be able to rewrite it.
  if (ref.kind === 'ConfigMap' && apiGroup(ref.apiVersion) === '' && ref.name.startsWith(INVENTORY_NAME_PREFIX)) {
    return { error: { code: 'reserved-name', object: describeRef(ref), message: `${describeRef(ref)}: names starting with ${INVENTORY_NAME_PREFIX} are Cascade's inventories; rename the ConfigMap` } };
  }
  const { namespace: _ignored, ...clusterRef } = ref;
  // Kept for every object: merged shares one hidden class between them where a spread would give each its own.
  const placed: ObjectRef = scope === 'Cluster' ? clusterRef : merged(ref, { namespace: ref.namespace ?? namespace });
  const violation = checkPlacement({ group: apiGroup(ref.apiVersion), kind: ref.kind, name: ref.name, namespace: placed.namespace }, scope);
  if (violation !== undefined) return { error: { code: violation.code, object: describeRef(placed), message: violation.message } };
  return { ref: placed, object: placedManifest(manifest, placed) };
}

function stageOf(ref: ObjectRef): 'foundation' | 'objects' {
  return isFoundation(ref) ? 'foundation' : 'objects';
}

function stageRank(stage: 'foundation' | 'objects'): number {
  return stage === 'foundation' ? 0 : 1;
}
