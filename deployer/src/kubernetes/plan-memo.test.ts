import { describe, expect, it } from 'vitest';
import { bytesKeptBy } from '@cascade/common/testing';
import type { Manifest, ResourceStatus } from '@cascade/common';
import { CONTENT_HASH_ANNOTATION } from './labels.ts';
import { objectKey, refOf } from './object-key.ts';
import { PlanMemo } from './plan-memo.ts';
import type { ResourceObservation } from './resource-status.ts';
import { resourceStatus } from './resource-status.ts';

const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'cart', namespace: 'dev' };
const live = (hash: string): Manifest => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cart', annotations: { [CONTENT_HASH_ANNOTATION]: hash } } });

/** resourceStatus, counting its calls. */
function counting(): { compute: (observed: ResourceObservation) => ResourceStatus; calls: () => number } {
  let calls = 0;
  return { compute: (observed) => (calls++, resourceStatus(observed)), calls: () => calls };
}

describe('PlanMemo.resourceStatus', () => {
  it('hands out the same status for a resource observed the same way, and computes it again once its live object changed', () => {
    const memo = new PlanMemo();
    const { compute, calls } = counting();
    const object = live('h');
    const first = memo.resourceStatus({ name: 'shop/cart', version: '1', objects: [{ ref, contentHash: 'h', live: object }], errors: [] }, compute);
    memo.endStatuses();
    const again = memo.resourceStatus({ name: 'shop/cart', version: '1', objects: [{ ref, contentHash: 'h', live: object }], errors: [] }, compute);
    memo.endStatuses();
    expect(again).toBe(first);
    expect(calls()).toBe(1);
    const changed = memo.resourceStatus({ name: 'shop/cart', version: '1', objects: [{ ref, contentHash: 'h', live: live('old') }], errors: [] }, compute);
    expect(changed).not.toBe(first);
    expect(changed.state).toBe('Outdated');
    expect(calls()).toBe(2);
  });

  it('computes again for another version or content hash, and always for a resource with errors', () => {
    const memo = new PlanMemo();
    const { compute, calls } = counting();
    const object = live('h');
    const observe = (version: string, hash: string, errors: ResourceObservation['errors'] = []) => {
      const status = memo.resourceStatus({ name: 'shop/cart', version, objects: [{ ref, contentHash: hash, live: object }], errors }, compute);
      memo.endStatuses();
      return status;
    };
    observe('1', 'h');
    expect(observe('2', 'h').version).toBe('2');
    expect(observe('2', 'new').state).toBe('Outdated');
    const error = { code: 'x', message: 'broken' };
    expect(observe('2', 'new', [error]).state).toBe('Failed');
    expect(observe('2', 'new', [error]).state).toBe('Failed');
    expect(calls()).toBe(5);
  });

  it('forgets a resource a pass did not report', () => {
    const memo = new PlanMemo();
    const { compute, calls } = counting();
    const object = live('h');
    const observation = { name: 'shop/cart', version: '1', objects: [{ ref, contentHash: 'h', live: object }], errors: [] };
    memo.resourceStatus(observation, compute);
    memo.endStatuses();
    // A pass without shop/cart, then one with it again: nothing of the first pass is handed out.
    memo.endStatuses();
    memo.resourceStatus(observation, compute);
    expect(calls()).toBe(2);
  });
});

describe('PlanMemo.resourceStatus at a team\'s size', () => {
  /** What a pass hands the memo for `count` resources of three objects each: refs, hashes and live objects it keeps anyway. */
  function resources(count: number) {
    return Array.from({ length: count }, (_, i) => {
      const objects = ['ConfigMap', 'Service', 'Deployment'].map((kind) => ({ ref: { apiVersion: 'v1', kind, name: `svc-${i}`, namespace: 'dev' }, contentHash: `hash-${kind}-${i}`, live: live(`hash-${kind}-${i}`) }));
      return { name: `team/svc-${i}`, objects, status: resourceStatus({ name: `team/svc-${i}`, version: '1.0.0', objects, errors: [] }) };
    });
  }

  // A frame of its own: the observations it makes are dropped once it returns, as a pass drops them.
  function observeAll(memo: PlanMemo, all: ReturnType<typeof resources>): number {
    for (const { name, objects, status } of all) memo.resourceStatus({ name, version: '1.0.0', objects: objects.map((o) => ({ ...o })), errors: [] }, () => status);
    memo.endStatuses();
    return all.length;
  }

  it('keeps what each status was made from in a flat list, not the pass\'s observations', () => {
    const memo = new PlanMemo();
    const all = resources(10_000);
    observeAll(new PlanMemo(), resources(100));
    const { kept } = bytesKeptBy(() => observeAll(memo, all));
    // A version and three refs, hashes and live objects a resource, with the map's entry: some 200 bytes. The
    // observations themselves (an object, a list and three objects a resource) kept some 390.
    expect(kept / all.length).toBeLessThan(280);
    expect(memo.resourceStatus({ name: all[7]!.name, version: '1.0.0', objects: all[7]!.objects.map((o) => ({ ...o })), errors: [] }, () => resourceStatus({ name: 'other', objects: [], errors: [] }))).toBe(all[7]!.status);
  });
});

describe('PlanMemo statuses carried over', () => {
  it('keeps the statuses of resources a carried pass did not look at, for the passes after it', () => {
    const memo = new PlanMemo();
    const { compute, calls } = counting();
    const object = live('h');
    const observed = (name: string, version: string): ResourceObservation => ({ name, version, objects: [{ ref, contentHash: 'h', live: object }], errors: [] });
    const cart = memo.resourceStatus(observed('shop/cart', '1'), compute);
    const other = memo.resourceStatus(observed('shop/other', '1'), compute);
    memo.endStatuses(1, [cart, other]);
    expect(memo.lastStatuses(1, 2)).toEqual([cart, other]);
    expect(memo.lastStatuses(2, 2)).toBeUndefined();
    // A pass that carries the list over and looks at shop/cart alone.
    memo.carryStatuses();
    const newer = memo.resourceStatus(observed('shop/cart', '2'), compute);
    memo.endStatuses(2, [newer, other]);
    // A pass that looks at every resource again still finds shop/other as it was.
    expect(memo.resourceStatus(observed('shop/other', '1'), compute)).toBe(other);
    expect(memo.resourceStatus(observed('shop/cart', '2'), compute)).toBe(newer);
    expect(calls()).toBe(3);
  });
});

describe('PlanMemo.byObjectKey', () => {
  const object = (name: string, state: string): Manifest => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'dev', resourceVersion: state } });
  /** The index a fresh memo builds for `objects`: the last object of each key. */
  const fresh = (objects: Manifest[]) => new PlanMemo().byObjectKey(objects);
  const keyOf = (o: Manifest) => objectKey(refOf(o)!);

  it('moves its index on for objects replaced in place, and tells which keys changed', () => {
    const memo = new PlanMemo();
    const [cart, shop, search] = [object('cart', '1'), object('shop', '1'), object('search', '1')];
    memo.byObjectKey([cart, shop, search]);
    expect(memo.takeLiveChanges()).toBe('unknown');
    const newerShop = object('shop', '2');
    const index = memo.byObjectKey([cart, newerShop, search]);
    expect(index).toEqual(fresh([cart, newerShop, search]));
    expect(index.get(keyOf(newerShop))).toBe(newerShop);
    expect(memo.takeLiveChanges()).toEqual(new Set([keyOf(newerShop)]));
    // Nothing replaced: no change; an object added: the list is indexed afresh and what changed is not known.
    memo.byObjectKey([cart, newerShop, search]);
    expect(memo.takeLiveChanges()).toEqual(new Set());
    const added = [cart, newerShop, search, object('logs', '1')];
    expect(memo.byObjectKey(added)).toEqual(fresh(added));
    expect(memo.takeLiveChanges()).toBe('unknown');
  });

  it('indexes afresh when a replaced key is held twice, so the index keeps the last object of that key', () => {
    const memo = new PlanMemo();
    const [first, other, second] = [object('cart', '1'), object('shop', '1'), object('cart', '2')];
    memo.byObjectKey([first, other, second]);
    memo.takeLiveChanges();
    const replaced = [object('cart', '3'), other, second];
    const index = memo.byObjectKey(replaced);
    expect(index).toEqual(fresh(replaced));
    expect([...index.values()]).toContain(second);
    expect(memo.takeLiveChanges()).toBe('unknown');
  });

  it('indexes afresh when an object in a place is another object', () => {
    const memo = new PlanMemo();
    memo.byObjectKey([object('cart', '1'), object('shop', '1')]);
    const moved = [object('shop', '2'), object('cart', '2')];
    expect(memo.byObjectKey(moved)).toEqual(fresh(moved));
    expect(memo.takeLiveChanges()).toBe('unknown');
  });
});
