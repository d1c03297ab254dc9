import { bytesKeptFrom } from '@cascade/common/testing';
import { describe, expect, it } from 'vitest';
import type { InventoryEntry } from './inventory.ts';
import { INVENTORY_HEADER, decodeInventory, encodeInventory, inventoryAfterPrune, inventoryBeforeApply, inventoryOf, sameInventory } from './inventory.ts';
import { inventoryLocation } from './inventory-store.ts';

const cm: InventoryEntry = { ref: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'dev', name: 'cart' }, resource: 'shop/cart' };
const role: InventoryEntry = { ref: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'reader' }, resource: 'shop/rbac' };

describe('inventory', () => {
  it('round-trips through its stored form, namespaced and cluster-scoped alike', () => {
    const inventory = inventoryOf([cm, role]);
    expect(decodeInventory(encodeInventory(inventory))).toEqual(inventory);
  });

  it('stores the same text whatever order the entries came in, so an unchanged inventory is not written again', () => {
    expect(encodeInventory(inventoryOf([cm, role]))).toBe(encodeInventory(inventoryOf([role, cm])));
  });

  it('keeps none of the decoded text: fields split from it would keep it all, for as long as the inventory is kept', () => {
    // Empty lines are skipped: they make the text big without adding entries.
    const bytes = 4 * 1024 * 1024;
    const stored = () => `${INVENTORY_HEADER}\napps/v1\tDeployment\tteam-namespace-dev\tcheckout-service-web\tshop/checkout-service\n${'\n'.repeat(bytes)}`;
    const { value, kept } = bytesKeptFrom(stored, decodeInventory);
    expect([...value!.values()]).toEqual([{ ref: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'team-namespace-dev', name: 'checkout-service-web' }, resource: 'shop/checkout-service' }]);
    expect(kept).toBeLessThan(bytes / 2);
  });

  it('refuses a stored form it does not know instead of reading it as empty', () => {
    expect(decodeInventory('# some other format\nv1\tConfigMap\tdev\tx\tr\n')).toBeUndefined();
    expect(decodeInventory(`${INVENTORY_HEADER}\nv1\tConfigMap\n`)).toBeUndefined();
    expect(decodeInventory(`${INVENTORY_HEADER}\n`)?.size).toBe(0);
  });

  it('tells inventories apart by objects, resources and API versions', () => {
    expect(sameInventory(inventoryOf([cm, role]), inventoryOf([role, cm]))).toBe(true);
    expect(sameInventory(inventoryOf([cm]), inventoryOf([{ ...cm, resource: 'shop/other' }]))).toBe(false);
    expect(sameInventory(inventoryOf([cm]), inventoryOf([cm, role]))).toBe(false);
  });

  it('records prune candidates before the pass and keeps those whose delete failed after it', () => {
    const plan = { retain: inventoryOf([cm]), prune: [{ entry: role }] };
    expect(inventoryBeforeApply(plan).size).toBe(2);
    expect([...inventoryAfterPrune(plan, [{ entry: role }]).values()]).toEqual([cm]);
    expect(inventoryAfterPrune(plan, []).size).toBe(2);
  });

  it('names its ConfigMap after installation and environment, hashing names objects cannot carry', () => {
    expect(inventoryLocation('shop', 'dev', 'shop-dev')).toEqual({ namespace: 'shop-dev', name: 'cascade-inventory-shop-dev' });
    const odd = inventoryLocation('shop', 'feature_x', 'ns');
    expect(odd.name).toMatch(/^cascade-inventory-shop-[0-9a-f]{16}$/);
    expect(odd.name).not.toBe(inventoryLocation('shop', 'feature-x', 'ns').name);
  });
});
