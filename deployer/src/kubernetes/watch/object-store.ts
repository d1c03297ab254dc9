// What one list-then-watch knows of a kind: the objects as the API server sent them, and the resourceVersion to resume
// from. Deciding what a list, a watch event or an apply response changes happens here; no I/O.
import type { Manifest } from '@cascade/common';
import { ValueInterner } from '@cascade/common';
import { asRecord } from '../labels.ts';
import { keyOfParts, refOf } from '../object-key.ts';
import { SharedFieldRecords, keepEqualAnnotations, projected } from './live-projection.ts';
import type { HeldAt } from './kind-watch.ts';

/** One event line of a watch stream, as the API server sends it. */
export interface WatchEvent {
  type: string;
  object: Manifest;
}

/** A list being taken in (ObjectStore.intake): `add` each page's objects as it arrives, then ObjectStore.takeList. */
export interface ListIntake {
  add(items: readonly Manifest[]): void;
  /** What the store will keep of each listed object, by key. */
  readonly received: ReadonlyMap<string, Manifest>;
}

/** One object that a list or an event added, changed or removed. */
export interface StoreChange {
  type: 'added' | 'modified' | 'deleted';
  object: Manifest;
}

/** What one watch event means for the watch. */
export type EventOutcome =
  /** An object was added, changed or deleted. */
  | { kind: 'changed'; change: StoreChange }
  /** Nothing changed (a bookmark, or an event already known from an apply response); the resourceVersion moved on. */
  | { kind: 'unchanged' }
  /** The resourceVersion is too old for the server (410 Gone): only a fresh list can go on. */
  | { kind: 'relist'; reason: string }
  /** The server reported another error; watching again from the same resourceVersion may go on. */
  | { kind: 'error'; reason: string };

/**
 * One for the process: the objects of every kind and environment repeat the same names, values and empty ownership
 * leaves. Large enough to hold the names of thousands of resources from one environment's list to the next's, which
 * it can when it leaves out the strings that are each object's own (resourceVersions, content hashes).
 */
const liveObjects = new ValueInterner(50_000, undefined, mayRepeat);
/** One for the process: objects of one base or template are owned alike in every environment. */
const liveRecords = new SharedFieldRecords(liveObjects);

/**
 * The objects of one kind (in one namespace or all), keyed by objectKey. Of each object only what the deployer reads
 * is kept (see `projected`), with its short strings, empty maps and ownership records shared with other objects (see
 * ValueInterner, SharedFieldRecords), and never changed, so callers may hold on to them (the status does) without copying.
 */
export class ObjectStore {
  private readonly objects = new Map<string, Manifest>();
  private version: string | undefined;
  private listed = false;

  constructor(
    private readonly interner: ValueInterner = liveObjects,
    private readonly records: SharedFieldRecords = liveRecords,
  ) {}

  /** The resourceVersion to watch from; undefined until a list was taken, and again once it is too old. */
  get resourceVersion(): string | undefined {
    return this.version;
  }

  /** Whether the store mirrors the server: a list was taken and no 410 has made it unusable since. */
  get synced(): boolean {
    return this.listed && this.version !== undefined;
  }

  /** How many objects are held. */
  get size(): number {
    return this.objects.size;
  }

  /** Looks up, for a list of `kind`, the object held under a name and namespace when it is at `resourceVersion`. */
  heldOf(apiVersion: string, kind: string): HeldAt {
    return (name, namespace, resourceVersion) => {
      const held = this.objects.get(keyOfParts(apiVersion, kind, namespace, name));
      return held !== undefined && versionOf(held) === resourceVersion ? held : undefined;
    };
  }

  /** The objects now held, as received. */
  values(): Manifest[] {
    return [...this.objects.values()];
  }

  /** The objects now held, as received, without copying them into an array. */
  each(): IterableIterator<Manifest> {
    return this.objects.values();
  }

  /**
   * Replaces everything with a fresh list; returns what differs from before (all additions the first time). An object
   * an apply response recorded after the list was read stays, since the list cannot know it.
   */
  replace(items: readonly Manifest[], resourceVersion: string): StoreChange[] {
    const intake = this.intake();
    intake.add(items);
    return this.takeList(intake, resourceVersion);
  }

  /**
   * Starts taking in a list page by page. Each page is reduced to what the store keeps as it arrives (an object in the
   * state held already stays that object), so a list of thousands of objects is never held whole: a kind's list at
   * 10,000 objects is a few hundred megabytes as received, and the periodic full reconcile lists every kind at once.
   */
  intake(): ListIntake {
    const received = new Map<string, Manifest>();
    return {
      received,
      add: (items) => {
        for (const item of items) {
          const key = keyOf(item);
          if (key === undefined) continue;
          const held = this.objects.get(key);
          received.set(key, held !== undefined && versionOf(held) === versionOf(item) ? held : this.kept(item, held));
        }
      },
    };
  }

  /** Ends an intake: the list read at `resourceVersion` replaces everything, as `replace` describes; returns what differs. */
  takeList(intake: ListIntake, resourceVersion: string): StoreChange[] {
    const previous = new Map(this.objects);
    const changes: StoreChange[] = [];
    this.objects.clear();
    for (const [key, object] of intake.received) {
      const before = previous.get(key);
      previous.delete(key);
      // The same state keeps the same object: what was worked out for it (drift, status) stays valid.
      if (before !== undefined && (laterThan(versionOf(before), resourceVersion) || versionOf(before) === versionOf(object))) {
        this.objects.set(key, before);
        continue;
      }
      this.objects.set(key, object);
      if (before === undefined) changes.push({ type: 'added', object });
      else if (versionOf(before) !== versionOf(object)) changes.push({ type: 'modified', object });
    }
    for (const [key, object] of previous) {
      if (laterThan(versionOf(object), resourceVersion)) this.objects.set(key, object);
      else changes.push({ type: 'deleted', object });
    }
    this.version = resourceVersion;
    this.listed = true;
    return changes;
  }

  /**
   * Ends a list that found every object held as it is (names and resourceVersions alone, see WatchSource.confirm):
   * the store is in step at `resourceVersion` again and nothing changed.
   */
  confirm(resourceVersion: string): StoreChange[] {
    this.version = resourceVersion;
    this.listed = true;
    return [];
  }

  /** Applies one watch event and moves the resourceVersion on, or says why watching cannot go on from here. */
  apply(event: WatchEvent): EventOutcome {
    if (event.type === 'ERROR') {
      const status = asRecord(event.object);
      const reason = typeof status.message === 'string' ? status.message : `watch error ${JSON.stringify(status.code ?? '')}`;
      if (isGone(status.code, reason)) {
        // The server no longer has the history from our resourceVersion; nothing watched from it can be trusted.
        this.version = undefined;
        return { kind: 'relist', reason };
      }
      return { kind: 'error', reason };
    }
    const resourceVersion = versionOf(event.object);
    if (event.type === 'BOOKMARK') {
      // A bookmark carries only a newer resourceVersion: resuming from it skips history that held nothing for us.
      if (resourceVersion !== undefined) this.version = resourceVersion;
      return { kind: 'unchanged' };
    }
    const key = keyOf(event.object);
    if (key === undefined || !['ADDED', 'MODIFIED', 'DELETED'].includes(event.type)) return { kind: 'error', reason: `unexpected watch event ${event.type}` };
    if (resourceVersion !== undefined) this.version = resourceVersion;
    const before = this.objects.get(key);
    if (event.type === 'DELETED') {
      if (before === undefined) return { kind: 'unchanged' };
      this.objects.delete(key);
      return { kind: 'changed', change: { type: 'deleted', object: event.object } };
    }
    // An apply response recorded the same or a later state already: not news (and not to be rolled back).
    if (before !== undefined && !isNewer(resourceVersion, versionOf(before))) return { kind: 'unchanged' };
    const object = this.kept(event.object, before);
    this.objects.set(key, object);
    return { kind: 'changed', change: { type: before === undefined ? 'added' : 'modified', object } };
  }

  /**
   * Records an object as an apply returned it, so a pass right after this one plans with it even before its watch
   * event arrives; an older state never replaces a newer one. The watch's resourceVersion stays, since events
   * between the two may still be on their way.
   */
  observe(object: Manifest): void {
    const key = keyOf(object);
    if (key === undefined || !this.listed) return;
    const before = this.objects.get(key);
    if (before === undefined || isNewer(versionOf(object), versionOf(before))) this.objects.set(key, this.kept(object, before));
  }

  /**
   * What the store keeps of a received object; the object is the store's from now on (parsed for it alone).
   * `before`, the state held of the same object, lends its strings the interner leaves out (a content hash).
   */
  private kept(received: Manifest, before: Manifest | undefined): Manifest {
    const kept = this.interner.internInPlace(projected(received, this.records));
    keepEqualAnnotations(kept, before);
    return kept;
  }

  /** Forgets the resourceVersion, so the next step is a fresh list (a periodic full reconcile, a 410). */
  invalidate(): void {
    this.version = undefined;
  }
}

/** Whether a string of a live object may be found in others: not a resourceVersion or a content hash (64 hex digits). */
export function mayRepeat(text: string): boolean {
  const first = text.charCodeAt(0);
  if (first >= 0x30 && first <= 0x39 && /^\d+$/.test(text)) return false;
  return !(text.length === 64 && /^[0-9a-f]+$/.test(text));
}

/** Whether a failed watch request (not an event) means the resourceVersion is too old, so only a fresh list helps. */
export function watchRequestGone(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const message = (error as { message?: unknown }).message;
  return isGone(statusOf(error), typeof message === 'string' ? message : '');
}

/** Whether a failed watch request was answered with a refusal that waiting will not change soon (401, 403, 404, 405). */
export function watchRequestRefused(error: unknown): boolean {
  const status = statusOf(error);
  return status === 401 || status === 403 || status === 404 || status === 405;
}

/** The HTTP status a watch request was answered with: ApiException's numeric `code`, or the library Watch's `statusCode`. */
function statusOf(error: unknown): number | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const { statusCode, code } = error as { statusCode?: unknown; code?: unknown };
  if (typeof statusCode === 'number') return statusCode;
  // A network failure's `code` is a string (ECONNREFUSED, UND_ERR_SOCKET), never a status.
  return typeof code === 'number' ? code : undefined;
}

/** 410 Gone, or the API server's sentence for it when the code got lost on the way. */
function isGone(code: unknown, message: string): boolean {
  return code === 410 || /too old resource version/i.test(message);
}

function keyOf(object: Manifest): string | undefined {
  const ref = refOf(object);
  // The ref is made for this lookup alone: objectKey would remember it.
  return ref === undefined ? undefined : keyOfParts(ref.apiVersion, ref.kind, ref.namespace, ref.name);
}

function versionOf(object: Manifest): string | undefined {
  const version = asRecord(object.metadata).resourceVersion;
  return typeof version === 'string' && version !== '' ? version : undefined;
}

/**
 * Whether `candidate` is a later state than `current`. resourceVersions are opaque, but every API server backed by
 * etcd hands out increasing integers; anything else is taken as newer, since it arrived later.
 */
function isNewer(candidate: string | undefined, current: string | undefined): boolean {
  if (candidate === undefined || current === undefined) return true;
  if (/^\d+$/.test(candidate) && /^\d+$/.test(current)) return BigInt(candidate) > BigInt(current);
  return candidate !== current;
}

/** Whether `candidate` is certainly later than `current`: both etcd-style integers, and larger. */
function laterThan(candidate: string | undefined, current: string): boolean {
  return candidate !== undefined && /^\d+$/.test(candidate) && /^\d+$/.test(current) && BigInt(candidate) > BigInt(current);
}
