// What planApply remembers between passes of one environment, so an object whose inputs did not change costs a lookup,
// not a placement check, a canonical JSON and a sha256. No I/O.
import type { Manifest, RenderedResource, ResourceStatus } from '@cascade/common';
import type { Inventory, InventoryEntry } from './inventory.ts';
import type { MarkOrigin } from './labels.ts';
import type { ObjectRef, Scope } from './object-key.ts';
import { objectKey, refOf } from './object-key.ts';
import { RenderedFactsTally } from './rendered-facts.ts';
import type { ResourceObservation } from './resource-status.ts';

/**
 * A rendered object placed in its namespace and hashed, or why it could not be placed. It keeps what its hashed part
 * is built from (the render's manifest, already kept by the render, and the resource's origin) rather than that part:
 * an apply or a drift check, which follow a change, build it again (hashedOf in plan.ts).
 */
export type PreparedObject = PlacedObject | { error: { code: string; message: string; object?: string } };

/**
 * A rendered object placed (ref) and hashed, with what builds its hashed part again. One object serves as the
 * object's plan entry while it is live as rendered, as its claim (an inventory entry: ref and resource) and as what
 * a later watch event is checked against: at thousands of objects, one object each rather than four.
 */
export interface PlacedObject {
  resource: string;
  ref: ObjectRef;
  /** objectKey(ref). */
  key: string;
  contentHash: string;
  manifest: Manifest;
  origin: MarkOrigin;
}

interface PreparedEntry {
  /** Everything besides the manifest that the preparation read: origin and default namespace. */
  context: string;
  /** The scope the kind had; a kind whose scope changed (a CRD replaced) is prepared again. */
  scope: Scope | undefined;
  prepared: PreparedObject;
}

/** An object of a resource that the last pass found live as rendered, as the plan lists it. */
export interface SettledObject {
  scope: Scope;
  /** The live object it was compared with; another one (an event, an apply) means comparing again. */
  live: Manifest;
  /** Its plan entry, which is also its claim (the inventory entry the plan retains). */
  unchanged: PlacedObject;
}

/**
 * Memos keyed by object identity: the render cache hands out the same manifest objects while a resource's files
 * are unchanged, and the watch cache the same live objects until an event replaces them. Use one memo per
 * environment and target policy; entries go when their objects do (weak maps).
 */
export class PlanMemo {
  /** What the environment's rendered resources render: kinds, namespaces, CRDs. */
  readonly facts = new RenderedFactsTally();
  private readonly prepared = new WeakMap<Manifest, PreparedEntry>();
  private readonly drift = new WeakMap<Manifest, { contentHash: string; paths: string[] }>();
  private readonly liveKeys = new WeakMap<Manifest, string | null>();
  private readonly settledObjects = new WeakMap<RenderedResource, { context: string; objects: SettledObject[] }>();

  /**
   * The objects of `resource` as the last pass under `context` (what besides the resource the plan read) found them:
   * every one live as rendered. Undefined when it did not, or when the render is another object (its files changed).
   */
  settled(resource: RenderedResource, context: string): SettledObject[] | undefined {
    const hit = this.settledObjects.get(resource);
    return hit?.context === context ? hit.objects : undefined;
  }

  /** Records that every object of `resource` was live as rendered under `context`; `undefined` forgets it. */
  settle(resource: RenderedResource, context: string, objects: SettledObject[] | undefined): void {
    if (objects === undefined) this.settledObjects.delete(resource);
    else this.settledObjects.set(resource, { context, objects });
  }

  /** The preparation of `manifest` under `context` and `scope`, computed by `prepare` only when not remembered. */
  prepare(manifest: Manifest, context: string, scope: Scope | undefined, prepare: () => PreparedObject): PreparedObject {
    const hit = this.prepared.get(manifest);
    if (hit !== undefined && hit.context === context && hit.scope === scope) return hit.prepared;
    const prepared = prepare();
    this.prepared.set(manifest, { context, scope, prepared });
    return prepared;
  }

  /**
   * The drift of `live` from the hashed part whose hash is `contentHash`, computed by `find` only when this pair was
   * not compared before (the hash names the hashed part's whole content).
   */
  findDrift(contentHash: string, live: Manifest, find: () => string[]): string[] {
    const hit = this.drift.get(live);
    if (hit !== undefined && hit.contentHash === contentHash) return hit.paths;
    const paths = find();
    this.drift.set(live, { contentHash, paths });
    return paths;
  }

  private statuses = new Map<string, KeptStatus>();
  private nextStatuses = new Map<string, KeptStatus>();

  /**
   * The status of a resource observed as `observed`, computed by `compute` only when the last pass observed it
   * differently; otherwise the very same object, so its serialised form is reused too. Remembers the resources of
   * the statuses computed since the last `endStatuses`.
   */
  resourceStatus(observed: ResourceObservation, compute: (observed: ResourceObservation) => ResourceStatus): ResourceStatus {
    const hit = this.statuses.get(observed.name);
    if (hit !== undefined && madeFrom(hit, observed)) {
      this.nextStatuses.set(observed.name, hit);
      return hit[0];
    }
    const status = compute(observed);
    this.nextStatuses.set(observed.name, keptStatus(status, observed));
    return status;
  }

  private readonly statusOfSettled = new WeakMap<readonly SettledObject[], ResourceStatus>();

  /**
   * The status made for resource `name` while planned from the settled objects `settled`, if one was: the same
   * settled objects are the same render and the same live objects, so the same observation. A pass over thousands
   * of settled resources then costs a lookup per resource.
   */
  settledStatus(name: string, settled: readonly SettledObject[]): ResourceStatus | undefined {
    const hit = this.statusOfSettled.get(settled);
    if (hit === undefined) return undefined;
    // Carried into the next pass, so a resource that stops being settled is still compared with what it was.
    const last = this.statuses.get(name);
    if (last !== undefined) this.nextStatuses.set(name, last);
    return hit;
  }

  /** Remembers the status made for a resource planned from `settled`, for settledStatus. */
  rememberSettledStatus(settled: readonly SettledObject[], status: ResourceStatus): void {
    this.statusOfSettled.set(settled, status);
  }

  private listed: { planId: number; statuses: readonly ResourceStatus[] } | undefined;

  /**
   * Ends a pass's statuses: resources it did not report are forgotten. `planId` marks a list made in the
   * environment's order without errors from that plan, which the next pass may carry over (lastStatuses).
   */
  endStatuses(planId?: number, list?: readonly ResourceStatus[]): void {
    this.statuses = this.nextStatuses;
    this.nextStatuses = new Map();
    this.listed = planId === undefined || list === undefined ? undefined : { planId, statuses: list };
  }

  /** The statuses listed for the plan marked `planId`, if they were the last ones and list `length` resources. */
  lastStatuses(planId: number, length: number): readonly ResourceStatus[] | undefined {
    const listed = this.listed;
    return listed?.planId === planId && listed.statuses.length === length ? listed.statuses : undefined;
  }

  /** Starts a pass that carries the last statuses over: the statuses it makes replace those of their resources, the rest stay. */
  carryStatuses(): void {
    this.nextStatuses = this.statuses;
  }

  private lastIndexed: LiveIndex | undefined;
  /** Keys whose live object changed since the last plan took them (takeLiveChanges); 'unknown' after the index was built anew. */
  private liveChanges: Set<string> | 'unknown' = 'unknown';

  /**
   * Indexes live objects by objectKey, computing each object's key once; the same array again gets the same index
   * (do not change either). A new array of the same objects in the same places, some replaced by newer states of the
   * same objects (what the watch cache hands out after events), updates the last index in place rather than
   * building one: read an index within the pass that asked for it, never keep it.
   */
  byObjectKey(objects: Manifest[]): Map<string, Manifest> {
    const last = this.lastIndexed;
    if (last?.objects === objects) return last.index;
    if (last !== undefined && this.patchIndex(last, objects)) return last.index;
    const keys: Array<string | null> = new Array(objects.length);
    const index = new Map<string, Manifest>();
    const repeated = new Set<string>();
    for (let i = 0; i < objects.length; i++) {
      const key = this.liveKeyOf(objects[i]!);
      keys[i] = key;
      if (key === null) continue;
      if (index.has(key)) repeated.add(key);
      index.set(key, objects[i]!);
    }
    this.lastIndexed = { objects, index, keys, repeated };
    this.liveChanges = 'unknown';
    return index;
  }

  /**
   * Moves `last` on to `objects` when they differ from its objects only by some objects replaced in place with
   * another state of the same key, recording those keys as changed. False (nothing changed) when anything else
   * differs, or a replaced key is held twice (which of the two the index holds would need the whole walk).
   */
  private patchIndex(last: LiveIndex, objects: Manifest[]): boolean {
    if (last.objects.length !== objects.length) return false;
    const replaced: number[] = [];
    // Comparing references in step costs little next to hashing every key; give up once it looks like a new list.
    for (let i = 0; i < objects.length; i++) {
      if (objects[i] === last.objects[i]) continue;
      if (replaced.length >= PATCH_LIMIT) return false;
      replaced.push(i);
    }
    for (const i of replaced) {
      const key = last.keys[i];
      if (key === null || key === undefined || last.repeated.has(key) || this.liveKeyOf(objects[i]!) !== key) return false;
    }
    for (const i of replaced) {
      const key = last.keys[i]!;
      last.index.set(key, objects[i]!);
      if (this.liveChanges !== 'unknown') this.liveChanges.add(key);
    }
    last.objects = objects;
    return true;
  }

  private liveKeyOf(object: Manifest): string | null {
    let key = this.liveKeys.get(object);
    if (key === undefined) {
      const ref = refOf(object);
      key = ref === undefined ? null : objectKey(ref);
      this.liveKeys.set(object, key);
    }
    return key;
  }

  /**
   * The keys whose live object changed since the last call, by what byObjectKey saw; 'unknown' when it had to index
   * a list afresh since then (an object added or removed, a relist). Starts counting again from the current index.
   */
  takeLiveChanges(): ReadonlySet<string> | 'unknown' {
    const changes = this.liveChanges;
    this.liveChanges = new Set();
    return changes;
  }

  private previousPlan: PlanTrail | undefined;

  /** What the last plan with this memo settled, for the next plan to carry over; undefined before the first. */
  get lastPlan(): PlanTrail | undefined {
    return this.previousPlan;
  }

  /** Keeps what a plan settled, for the next one. */
  rememberPlan(trail: PlanTrail): void {
    this.previousPlan = trail;
  }
}

/** Replaced objects beyond which a new list is indexed afresh rather than patched. */
const PATCH_LIMIT = 256;

interface LiveIndex {
  objects: Manifest[];
  index: Map<string, Manifest>;
  /** The key of each object, in the same places. */
  keys: Array<string | null>;
  /** Keys more than one object has: the index holds the last of them. */
  repeated: Set<string>;
}

/** What one plan settled: the next plan takes a resource found here, unchanged since, without looking at its objects again. */
export interface PlanTrail {
  /** The plan's mark (ApplyPlan.lineage). */
  id: number;
  /** What besides each resource the plan read (see planApply). */
  context: string;
  rendered: readonly RenderedResource[];
  /** The settled objects of `rendered[i]`, as the plan found them all live as rendered; undefined where it did not. */
  settledAt: Array<readonly SettledObject[] | undefined>;
  /** The scope each kind had (by apiVersion, then kind). */
  scopes: ReadonlyMap<string, ReadonlyMap<string, Scope | undefined>>;
  /** What each resource planned afresh claimed, by position (settled ones claimed their settled objects). */
  claimedAt: Array<string[] | undefined>;
  /** The plan's retained entries: who claimed each object, and the entries pruning had to keep (`held`). */
  claims: ReadonlyMap<string, InventoryEntry>;
  /** The keys of retained entries no resource claimed, kept since pruning was held or not allowed. */
  held: readonly string[];
  /** The plan's settled resources (planned from memory). */
  settled: ReadonlyMap<string, readonly SettledObject[]>;
  /** The positions of the resources the plan settled afresh (not in `settled`). */
  settledAnew: readonly number[];
  /** The inventory the plan read, the keys of its entries no resource claimed, and whether the plan's retain equals it. */
  inventory: Inventory | undefined;
  unclaimed: readonly string[];
  retainIsInventory: boolean;
  /** Where each resource stands in `rendered`; undefined when a name is used twice. */
  positions: ReadonlyMap<string, number> | undefined;
  /** How many resources the plan carried over from the one before unlooked at. */
  carried: number;
}

/**
 * A status and what it was made from, flat: the status, the version, then each object's ref, content hash and live
 * object; the status alone when its observation had errors (which are never taken as the same). One array per
 * resource rather than the observation's objects: kept for every resource of every environment, those were 270
 * bytes a resource.
 */
type KeptStatus = readonly [ResourceStatus, ...unknown[]];

function keptStatus(status: ResourceStatus, observed: ResourceObservation): KeptStatus {
  if (observed.errors.length > 0) return [status];
  // Filled in place at its final length: pushing grows a list's store past what it holds.
  const kept = new Array<unknown>(2 + 3 * observed.objects.length);
  kept[0] = status;
  kept[1] = observed.version;
  observed.objects.forEach((o, i) => {
    kept[2 + 3 * i] = o.ref;
    kept[3 + 3 * i] = o.contentHash;
    kept[4 + 3 * i] = o.live;
  });
  return kept as unknown as KeptStatus;
}

/** Whether `observed` reads as what `kept` was made from: no errors, the same version, and each object's ref, hash and live object. */
function madeFrom(kept: KeptStatus, observed: ResourceObservation): boolean {
  if (observed.errors.length > 0 || kept.length !== 2 + 3 * observed.objects.length || kept[1] !== observed.version) return false;
  return observed.objects.every((o, i) => kept[2 + 3 * i] === o.ref && kept[3 + 3 * i] === o.contentHash && kept[4 + 3 * i] === o.live);
}
