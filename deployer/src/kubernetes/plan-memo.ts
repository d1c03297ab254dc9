// What planApply remembers between passes of one environment, so an object whose inputs did not change costs a lookup,
// not a placement check, a canonical JSON and a sha256. No I/O.
import type { Manifest } from '@cascade/common';
import type { MarkedObject } from './labels.ts';
import type { ObjectRef, Scope } from './object-key.ts';
import { objectKey, refOf } from './object-key.ts';

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

/**
 * Memos keyed by object identity: the render cache hands out the same manifest objects while a resource's files
 * are unchanged, and the watch cache the same live objects until an event replaces them. Use one memo per
 * environment and target policy; entries go when their objects do (weak maps).
 */
export class PlanMemo {
  private readonly prepared = new WeakMap<Manifest, PreparedEntry>();
  private readonly drift = new WeakMap<Manifest, { hashed: Manifest; paths: string[] }>();
  private readonly liveKeys = new WeakMap<Manifest, string | null>();

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
