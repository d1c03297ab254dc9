// Reading a page of a Kubernetes list without parsing what the reader already has. The periodic full reconcile lists
// every object again to catch events a watch missed; nearly all come back at the resourceVersion the watch cache
// holds, and JSON.parse would still build every one of them (at 10,000 resources × 4 environments some 240 MB of
// JSON, and the collections after it, most of a reconcile's CPU). This scan walks the bytes once, finds each item and
// reads only its metadata's name, namespace and resourceVersion; the caller parses the items it does not hold.
// No I/O here.
import type { Manifest } from '@cascade/common';
import type { HeldAt, WatchSpec } from './kind-watch.ts';

/** One item of a list page: where its JSON lies in the body, and its identity and version when they are plain strings. */
export interface ScannedItem {
  /** Byte offsets of the item's object in the body (end exclusive). */
  start: number;
  end: number;
  name?: string;
  namespace?: string;
  resourceVersion?: string;
}

/** A list page as scanned: its items, and the list's own metadata (resourceVersion, continue token). */
export interface ScannedList {
  items: ScannedItem[];
  metadata: { resourceVersion?: string; continue?: string };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

/** Keys longer than this are never one the scan looks for, so they are not decoded. */
const LONGEST_KEY = 16;

/**
 * Scans a list answer (`{"kind":…,"metadata":{…},"items":[{…},…]}`) as the API server sends it. Throws when the body
 * is not one complete JSON object (a cut-off answer), so the list fails and is tried again rather than taken half.
 * Items are found by their brackets alone; what lies inside them is checked only when they are parsed.
 */
export function scanList(body: Buffer): ScannedList {
  const items: ScannedItem[] = [];
  let metadata: ScannedList['metadata'] = {};
  // Per depth (1: the list object): whether the container is an object, and the key of the value being read in it.
  const isObject: boolean[] = [];
  const keys: Array<string | undefined> = [];
  let depth = 0;
  let expectKey = false;
  let item: ScannedItem | undefined;
  let listMetadataStart = -1;
  let closed = false;
  const length = body.length;
  for (let i = 0; i < length; i++) {
    const c = body[i];
    if (c === QUOTE) {
      const start = i + 1;
      let escaped = false;
      for (i = start; i < length; i++) {
        const d = body[i];
        if (d === BACKSLASH) {
          escaped = true;
          i++;
        } else if (d === QUOTE) break;
      }
      if (i >= length) throw new Error('the list answer ends inside a string');
      if (expectKey) {
        expectKey = false;
        if (depth <= 4) keys[depth] = i - start <= LONGEST_KEY ? text(body, start, i, escaped) : undefined;
      } else if (depth === 4 && item !== undefined && isObject[4] === true && keys[3] === 'metadata') {
        const key = keys[4];
        if (key === 'name' || key === 'namespace' || key === 'resourceVersion') item[key] = text(body, start, i, escaped);
      }
      continue;
    }
    switch (c) {
      case OPEN_OBJECT:
        depth++;
        isObject[depth] = true;
        keys[depth] = undefined;
        expectKey = true;
        if (depth === 3 && keys[1] === 'items' && isObject[2] === false) item = { start: i, end: -1 };
        else if (depth === 2 && keys[1] === 'metadata') listMetadataStart = i;
        break;
      case OPEN_ARRAY:
        depth++;
        isObject[depth] = false;
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        if (depth === 3 && item !== undefined) {
          item.end = i + 1;
          items.push(item);
          item = undefined;
        } else if (depth === 2 && listMetadataStart >= 0) {
          metadata = JSON.parse(body.toString('utf8', listMetadataStart, i + 1)) as ScannedList['metadata'];
          listMetadataStart = -1;
        }
        depth--;
        if (depth < 0) throw new Error('the list answer closes more than it opens');
        closed ||= depth === 0;
        break;
      case COMMA:
        if (isObject[depth] === true) expectKey = true;
        break;
      default:
      // Colons, whitespace, numbers and literals carry nothing the scan needs.
    }
  }
  if (depth !== 0 || !closed) throw new Error('the list answer ends before its last bracket');
  return { items, metadata };
}

/** The item's object, parsed. */
export function parseItem(body: Buffer, item: ScannedItem): Record<string, unknown> {
  return JSON.parse(body.toString('utf8', item.start, item.end)) as Record<string, unknown>;
}

/** A JSON string's text; with escapes, JSON.parse of the quoted bytes decodes them. */
function text(body: Buffer, start: number, end: number, escaped: boolean): string {
  return escaped ? (JSON.parse(body.toString('utf8', start - 1, end + 1)) as string) : body.toString('utf8', start, end);
}

/**
 * A list page's objects and the list's metadata. Without `held` (a first list) the page is parsed whole; with it, an
 * object held at the listed resourceVersion is handed over as held and only the others are parsed.
 */
export function readListPage(body: Buffer, spec: WatchSpec, held?: HeldAt): { items: Manifest[]; metadata: ScannedList['metadata'] } {
  if (held === undefined) {
    const page = JSON.parse(body.toString('utf8')) as { items?: Array<Record<string, unknown>>; metadata?: ScannedList['metadata'] };
    return { items: (page.items ?? []).map((item) => named(spec, item)), metadata: page.metadata ?? {} };
  }
  const page = scanList(body);
  const items = page.items.map((item) => {
    const same = item.name !== undefined && item.resourceVersion !== undefined ? held(item.name, item.namespace, item.resourceVersion) : undefined;
    return same ?? named(spec, parseItem(body, item));
  });
  return { items, metadata: page.metadata };
}

/**
 * The held objects a list page names, when each item is one held at its listed resourceVersion (the page may hold
 * metadata alone, or whole objects); undefined for a page naming anything else. With the list's metadata for the next page.
 */
export function heldOnPage(body: Buffer, held: HeldAt): { objects: Manifest[] | undefined; metadata: ScannedList['metadata'] } {
  const page = scanList(body);
  const objects: Manifest[] = [];
  for (const item of page.items) {
    const object = item.name !== undefined && item.resourceVersion !== undefined ? held(item.name, item.namespace, item.resourceVersion) : undefined;
    if (object === undefined) return { objects: undefined, metadata: page.metadata };
    objects.push(object);
  }
  return { objects, metadata: page.metadata };
}

/** List items carry no apiVersion/kind of their own; watch events do, so both name themselves alike. */
function named(spec: WatchSpec, item: Record<string, unknown>): Manifest {
  return { apiVersion: spec.apiVersion, kind: spec.kind, ...item } as Manifest;
}
