// What planApply remembers between passes of one environment, so an object whose inputs did not change costs a lookup,
// not a placement check, a canonical JSON and a sha256. No I/O.
import type { Manifest, RenderedResource, ResourceStatus } from '@cascade/common';
import type { MarkedObject } from './labels.ts';
import type { ObjectRef, Scope } from './object-key.ts';
import { objectKey, refOf } from './object-key.ts';
import type { ResourceObservation } from './resource-status.ts';

/** A rendered object placed in its namespace and hashed, or why it could not be placed. */
export type PreparedObject =
  | { ref: ObjectRef; key: string; marked: Omit<MarkedObject, 'object'> }
  | { error: { code: string; message: string; object?: string } };

interface PreparedEntry {
  /** Everything besides the manifest that the preparation read: origin and default namespace. */
  context: string;
  /** The scope the kind had; a kind whose scope changed (a CRD replaced) is prepared again. */
  scope: Scope | undefined;
  prepared: PreparedObject;
}

/** An object of a resource that the last pass found live as rendered, as the plan lists it. */
export interface SettledObject {
  key: string;
  scope: Scope;
  /** The live object it was compared with; another one (an event, an apply) means comparing again. */
  live: Manifest;
  unchanged: { resource: string; ref: ObjectRef; key: string; contentHash: string; hashed: Manifest };
  retained: { ref: ObjectRef; resource: string };
}

/**
 * Memos keyed by object identity: the render cache hands out the same manifest objects while a resource's files
 * are unchanged, and the watch cache the same live objects until an event replaces them. Use one memo per
 * environment and target policy; entries go when their objects do (weak maps).
 */
export class PlanMemo {
  private readonly prepared = new WeakMap<Manifest, PreparedEntry>();
  private readonly drift = new WeakMap<Manifest, { hashed: Manifest; paths: string[] }>();
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

  /** The drift of `live` from `hashed`, computed by `find` only when this pair was not compared before. */
  findDrift(hashed: Manifest, live: Manifest, find: () => string[]): string[] {
    const hit = this.drift.get(live);
    if (hit !== undefined && hit.hashed === hashed) return hit.paths;
    const paths = find();
    this.drift.set(live, { hashed, paths });
    return paths;
  }

  private statuses = new Map<string, { observed: ResourceObservation; status: ResourceStatus }>();
  private nextStatuses = new Map<string, { observed: ResourceObservation; status: ResourceStatus }>();

  /**
   * The status of a resource observed as `observed`, computed by `compute` only when the last pass observed it
   * differently; otherwise the very same object, so its serialised form is reused too. Remembers the resources of
   * the statuses computed since the last `endStatuses`.
   */
  resourceStatus(observed: ResourceObservation, compute: (observed: ResourceObservation) => ResourceStatus): ResourceStatus {
    const hit = this.statuses.get(observed.name);
    const status = hit !== undefined && sameObservation(hit.observed, observed) ? hit.status : compute(observed);
    this.nextStatuses.set(observed.name, { observed, status });
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

  /** Ends a pass's statuses: resources it did not report are forgotten. */
  endStatuses(): void {
    this.statuses = this.nextStatuses;
    this.nextStatuses = new Map();
  }

  private lastIndexed: { objects: Manifest[]; index: Map<string, Manifest> } | undefined;

  /** Indexes live objects by objectKey, computing each object's key once; the same array again gets the same index (do not change either). */
  byObjectKey(objects: Manifest[]): Map<string, Manifest> {
    if (this.lastIndexed?.objects === objects) return this.lastIndexed.index;
    const index = new Map<string, Manifest>();
    for (const object of objects) {
      let key = this.liveKeys.get(object);
      if (key === undefined) {
        const ref = refOf(object);
        key = ref === undefined ? null : objectKey(ref);
        this.liveKeys.set(object, key);
      }
      if (key !== null) index.set(key, object);
    }
    this.lastIndexed = { objects, index };
    return index;
  }
}

/** Whether two observations of a resource read the same: errors, version, and each object's ref, hash and live object. */
function sameObservation(a: ResourceObservation, b: ResourceObservation): boolean {
  if (a.errors.length > 0 || b.errors.length > 0 || a.version !== b.version || a.objects.length !== b.objects.length) return false;
  return a.objects.every((o, i) => {
    const other = b.objects[i]!;
    return o.ref === other.ref && o.contentHash === other.contentHash && o.live === other.live;
  });
}
