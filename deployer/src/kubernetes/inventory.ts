// The inventory: the objects this installation applied for one environment. Prune deletes only entries of it,
// so objects Kubernetes generates from ours (Endpoints, EndpointSlices, ReplicaSets, Pods, Jobs, PVCs), which
// carry copies of our labels, are never candidates. No I/O here; inventory-store.ts reads and writes it.
import type { Manifest } from '@cascade/common';
import { ValueInterner } from '@cascade/common';
import {
  CONTENT_HASH_ANNOTATION, ENV_LABEL, INSTALLATION_LABEL, RESOURCE_ANNOTATION, RESOURCE_LABEL, asRecord, readAnnotation, readLabel,
} from './labels.ts';
import type { ObjectRef } from './object-key.ts';
import { objectKey, refOf } from './object-key.ts';

/** Every inventory ConfigMap's name starts so; rendered objects may not use it. */
export const INVENTORY_NAME_PREFIX = 'cascade-inventory-';

/** One object Cascade applied: its identity, in the API version it was applied in, and the resource it came from. */
export interface InventoryEntry {
  ref: ObjectRef;
  resource: string;
}

/** An environment's inventory by object key. */
export type Inventory = Map<string, InventoryEntry>;

/** Builds an inventory from entries. */
export function inventoryOf(entries: Iterable<InventoryEntry>): Inventory {
  const inventory: Inventory = new Map();
  for (const entry of entries) inventory.set(objectKey(entry.ref), entry);
  return inventory;
}

/**
 * One line per object, tab-separated and sorted, so the stored form is stable (an unchanged inventory is not
 * written again) and compresses well. Names and resource names hold no tabs or newlines.
 */
export function encodeInventory(inventory: Inventory): string {
  const lines = [...inventory.values()].map((e) => [e.ref.apiVersion, e.ref.kind, e.ref.namespace ?? '', e.ref.name, e.resource].join('\t'));
  return `${INVENTORY_HEADER}\n${lines.sort().join('\n')}\n`;
}

/** First line of the stored form; a different one is a format this version cannot read. */
export const INVENTORY_HEADER = '# cascade inventory v1: apiVersion kind namespace name resource';

/** Parses the stored form; `undefined` when it is not an inventory this version understands. */
export function decodeInventory(text: string): Inventory | undefined {
  const [header, ...lines] = text.split('\n');
  if (header !== INVENTORY_HEADER) return undefined;
  const inventory: Inventory = new Map();
  // The fields split from the text are views of it; kept as they are, they would keep the whole text. The interner
  // hands out detached copies, one per distinct field (namespaces and kinds repeat on every line).
  const fields = new ValueInterner(lines.length + 1, Number.MAX_SAFE_INTEGER);
  const own = (field: string) => fields.internInPlace(field);
  for (const line of lines) {
    if (line === '') continue;
    const [apiVersion, kind, namespace, name, resource] = line.split('\t');
    if (!apiVersion || !kind || !name || !resource || namespace === undefined) return undefined;
    const ref: ObjectRef = namespace === '' ? { apiVersion: own(apiVersion), kind: own(kind), name: own(name) } : { apiVersion: own(apiVersion), kind: own(kind), name: own(name), namespace: own(namespace) };
    inventory.set(objectKey(ref), { ref, resource: own(resource) });
  }
  return inventory;
}

/** Why a live object may not be deleted although the inventory lists it, or `undefined` when it may. */
export function notPrunable(live: Manifest, entry: InventoryEntry, installation: string, env: string): string | undefined {
  const metadata = asRecord(live.metadata);
  // A controller owns it now (or always did): its owner deletes it, never Cascade.
  if (Array.isArray(metadata.ownerReferences) && metadata.ownerReferences.length > 0) return 'it has ownerReferences';
  if (readLabel(live, INSTALLATION_LABEL) !== installation || readLabel(live, ENV_LABEL) !== env) return "it no longer carries this environment's labels";
  if (readAnnotation(live, CONTENT_HASH_ANNOTATION) === undefined) return 'it lacks the content-hash annotation Cascade writes';
  if (readAnnotation(live, RESOURCE_ANNOTATION) !== entry.resource) return `its resource annotation does not name ${entry.resource}`;
  return undefined;
}

/**
 * The inventory to start from when none is stored yet (a deployer that predates inventories, or one deleted by
 * hand): live objects that carry every one of Cascade's marks and no owner. Generated objects lack the
 * annotations or have owners, so they are never adopted.
 */
export function adoptInventory(live: Manifest[], installation: string, env: string): Inventory {
  const inventory: Inventory = new Map();
  for (const object of live) {
    const ref = refOf(object);
    const resource = readAnnotation(object, RESOURCE_ANNOTATION);
    if (ref === undefined || resource === undefined || readLabel(object, RESOURCE_LABEL) === undefined) continue;
    const entry = { ref, resource };
    if (notPrunable(object, entry, installation, env) === undefined) inventory.set(objectKey(ref), entry);
  }
  return inventory;
}

/** True when both inventories list the same objects for the same resources in the same API versions. */
export function sameInventory(a: Inventory, b: Inventory): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [key, entry] of a) if (!sameEntry(entry, b.get(key))) return false;
  return true;
}

/** Whether `a` and `b` hold the same entry (as sameInventory judges entries), or neither holds one, at each of `keys`. */
export function sameEntries(a: Inventory, b: Inventory, keys: Iterable<string>): boolean {
  for (const key of keys) {
    const entry = a.get(key);
    if (entry === undefined ? b.has(key) : !sameEntry(entry, b.get(key))) return false;
  }
  return true;
}

function sameEntry(entry: InventoryEntry, other: InventoryEntry | undefined): boolean {
  return other !== undefined && other.resource === entry.resource && other.ref.apiVersion === entry.ref.apiVersion;
}

/** What may exist once a pass has run: everything retained plus everything about to be pruned. Stored before applying, so a crash mid-pass orphans nothing. */
export function inventoryBeforeApply(plan: { retain: Inventory; prune: Array<{ entry: InventoryEntry }> }): Inventory {
  // Most passes prune nothing: the retained entries are the inventory, shared rather than copied (neither is changed).
  if (plan.prune.length === 0) return plan.retain;
  return inventoryOf([...plan.retain.values(), ...plan.prune.map((p) => p.entry)]);
}

/** What exists after the pass: everything retained plus the prunes that failed, which the next pass tries again. */
export function inventoryAfterPrune(plan: { retain: Inventory; prune: Array<{ entry: InventoryEntry }> }, pruned: Array<{ entry: InventoryEntry }>): Inventory {
  if (plan.prune.length === 0) return plan.retain;
  const done = new Set(pruned.map((p) => objectKey(p.entry.ref)));
  return inventoryOf([...plan.retain.values(), ...plan.prune.filter((p) => !done.has(objectKey(p.entry.ref))).map((p) => p.entry)]);
}
