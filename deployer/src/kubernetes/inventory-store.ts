// Where an environment's inventory lives: a ConfigMap in the cluster, next to what it lists, so a deployer that
// restarts with an empty data dir (or on another node) finds it. Like Helm's release record, it is Cascade's own object.
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Manifest } from '@cascade/common';
import { sha256 } from '../content/canonical-json.ts';
import type { CascadeObjectApi } from './client.ts';
import { classifyKubeError } from './errors.ts';
import type { Inventory } from './inventory.ts';
import { INVENTORY_NAME_PREFIX, decodeInventory, encodeInventory } from './inventory.ts';
import { ENV_LABEL, INSTALLATION_LABEL, asRecord } from './labels.ts';
import { MANAGED_BY_LABEL } from './namespace.ts';

/** The ConfigMap holding one environment's inventory. */
export interface InventoryLocation {
  namespace: string;
  name: string;
}

/** Key of the gzipped inventory in the ConfigMap's binaryData. */
const INVENTORY_KEY = 'inventory.tsv.gz';

/** Label marking Cascade's inventory ConfigMaps, so people (and `kubectl get cm -l`) can find them. */
const INVENTORY_LABEL = 'cascade.dev/inventory';

// ConfigMaps hold at most 1 MiB; keep room for metadata. Around 20,000 objects compress to well under this.
const MAX_STORED_BYTES = 900 * 1024;

/** The inventory ConfigMap of an installation's environment: in the environment's namespace, named after both. */
export function inventoryLocation(installation: string, env: string, namespace: string): InventoryLocation {
  // Environment names may hold "_" and ".", which object names do not all accept; a hash keeps the name valid and unique.
  const readable = `${INVENTORY_NAME_PREFIX}${installation}-${env}`;
  const name = /^[a-z0-9-]+$/.test(env) && readable.length <= 253 ? readable : `${INVENTORY_NAME_PREFIX}${installation}-${sha256(env).slice(0, 16)}`;
  return { namespace, name };
}

/**
 * The inventory last read or written at each location, with its stored text. `decoded` marks one made from the text,
 * whose entries are copies of their own rather than the objects a plan claims (see adoptRetained).
 */
export type InventoryReadMemo = Map<string, { stored: string; inventory: Inventory; decoded?: true }>;

/** The memo's key of a location. */
function memoKeyOf(at: InventoryLocation): string {
  return `${at.namespace}/${at.name}`;
}

/**
 * Remembers `retain`, a plan's retained entries found equal to `read` (the inventory read at `at`), in place of
 * `read` when that was decoded from its text: the same entries, held by the plan's own objects rather than by a copy
 * of every reference and key (at thousands of objects, some MB per environment). Only once per decoded text, since
 * the next plan takes its inventory as unchanged by identity.
 */
export function adoptRetained(memo: InventoryReadMemo, at: InventoryLocation, read: Inventory, retain: Inventory): void {
  const known = memo.get(memoKeyOf(at));
  if (known?.decoded === true && known.inventory === read) memo.set(memoKeyOf(at), { stored: known.stored, inventory: retain });
}

/**
 * Reads the stored inventory; `undefined` when there is none yet (or it is unreadable, which is reported through
 * `onUnreadable`). With a memo, text read before is not unzipped and decoded again: the inventory it gives is shared,
 * so callers must not change it.
 */
export async function readInventory(client: CascadeObjectApi, at: InventoryLocation, onUnreadable: (why: string) => void, memo?: InventoryReadMemo): Promise<Inventory | undefined> {
  let object: Manifest | undefined;
  try {
    object = await client.readObject({ apiVersion: 'v1', kind: 'ConfigMap', namespace: at.namespace, name: at.name });
  } catch (error) {
    // A cluster that does not answer is the pass's problem; one that refuses (RBAC) leaves the inventory unknown.
    const failure = classifyKubeError(error);
    if (failure.kind === 'unreachable') throw error;
    onUnreadable(`ConfigMap ${at.namespace}/${at.name}: ${failure.message}`);
    return undefined;
  }
  if (object === undefined) return undefined;
  const stored = asRecord(object.binaryData)[INVENTORY_KEY];
  if (typeof stored !== 'string') {
    onUnreadable(`ConfigMap ${at.namespace}/${at.name} has no ${INVENTORY_KEY}`);
    return undefined;
  }
  const memoKey = memoKeyOf(at);
  const known = memo?.get(memoKey);
  if (known?.stored === stored) return known.inventory;
  try {
    const inventory = decodeInventory(gunzipSync(Buffer.from(stored, 'base64')).toString('utf8'));
    if (inventory !== undefined) memo?.set(memoKey, { stored, inventory, decoded: true });
    if (inventory === undefined) onUnreadable(`ConfigMap ${at.namespace}/${at.name} holds an inventory format this version does not know`);
    return inventory;
  } catch (error) {
    onUnreadable(`ConfigMap ${at.namespace}/${at.name}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/**
 * Writes the inventory with server-side apply; throws InventoryTooLargeError instead of writing a truncated one. With
 * a memo, the next read of the text written gives this very inventory rather than decoding a copy of it.
 */
export async function writeInventory(client: CascadeObjectApi, at: InventoryLocation, inventory: Inventory, marks: { installation: string; env: string }, memo?: InventoryReadMemo): Promise<void> {
  const stored = gzipSync(encodeInventory(inventory)).toString('base64');
  if (stored.length > MAX_STORED_BYTES) throw new InventoryTooLargeError(at, inventory.size, stored.length);
  const configMap: Manifest = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: at.name,
      namespace: at.namespace,
      // Deliberately not the environment's resource label: the inventory is no resource and never its own prune candidate.
      labels: { [MANAGED_BY_LABEL]: 'cascade', [INVENTORY_LABEL]: 'true', [INSTALLATION_LABEL]: marks.installation, [ENV_LABEL]: marks.env },
    },
    binaryData: { [INVENTORY_KEY]: stored },
  };
  await client.apply(configMap, { force: true });
  memo?.set(memoKeyOf(at), { stored, inventory });
}

/** The inventory no longer fits one ConfigMap; the pass keeps applying but holds pruning. */
export class InventoryTooLargeError extends Error {
  readonly code = 'inventory-too-large';
  constructor(readonly at: InventoryLocation, readonly objects: number, readonly bytes: number) {
    super(`the inventory of ${objects} objects takes ${bytes} bytes, more than ConfigMap ${at.namespace}/${at.name} can hold; split the environment`);
    this.name = 'InventoryTooLargeError';
  }
}
