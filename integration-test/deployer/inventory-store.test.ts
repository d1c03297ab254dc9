// The stored inventory on a real cluster, read through the deployer's memo: text it wrote or read before gives the
// inventory it already holds instead of a decoded copy, and a plan's equal retained entries replace a decoded one.
import { describe, expect, it } from 'vitest';
import { adoptRetained, inventoryLocation, inventoryOf, readInventory, writeInventory, type InventoryEntry, type InventoryReadMemo } from '@cascade/deployer/kubernetes';
import { useClosingClients } from '../setup/clients.ts';
import { useTestNamespace } from '../setup/namespace.ts';

const ns = useTestNamespace({ prefix: 'inv' });
const clientFor = useClosingClients();

/** Inventory entries of `count` ConfigMaps of resource `shop/cart` in `namespace`. */
function entries(namespace: string, count: number): InventoryEntry[] {
  return Array.from({ length: count }, (_, i) => ({ ref: { apiVersion: 'v1', kind: 'ConfigMap', namespace, name: `cart-${i}` }, resource: 'shop/cart' }));
}

const marks = { installation: 'shop', env: 'dev' };
const refuse = (why: string) => {
  throw new Error(`unreadable inventory: ${why}`);
};

describe('the stored inventory read through the memo', () => {
  it('gives back the inventory it wrote, and decodes text another writer stored', async () => {
    const client = clientFor(ns.kc);
    const at = inventoryLocation('shop', 'dev', ns.namespace);
    const memo: InventoryReadMemo = new Map();
    const written = inventoryOf(entries(ns.namespace, 3));
    await writeInventory(client, at, written, marks, memo);
    expect(await readInventory(client, at, refuse, memo)).toBe(written);
    // Another writer (a second deployer, a person): the text differs, so it is decoded.
    const other = inventoryOf(entries(ns.namespace, 2));
    await writeInventory(client, at, other, marks);
    const read = await readInventory(client, at, refuse, memo);
    expect(read).not.toBe(other);
    expect(read).toEqual(other);
  });

  it("keeps a plan's equal retained entries in place of a decoded inventory, once per text", async () => {
    const client = clientFor(ns.kc);
    const at = inventoryLocation('shop', 'dev', ns.namespace);
    await writeInventory(client, at, inventoryOf(entries(ns.namespace, 3)), marks);
    const memo: InventoryReadMemo = new Map();
    const decoded = (await readInventory(client, at, refuse, memo))!;
    const retain = inventoryOf(entries(ns.namespace, 3));
    adoptRetained(memo, at, decoded, retain);
    expect(await readInventory(client, at, refuse, memo)).toBe(retain);
    // Taken once: a later plan's retained entries do not replace it, so the next plan finds the inventory it planned with.
    adoptRetained(memo, at, retain, inventoryOf(entries(ns.namespace, 3)));
    expect(await readInventory(client, at, refuse, memo)).toBe(retain);
  });
});
