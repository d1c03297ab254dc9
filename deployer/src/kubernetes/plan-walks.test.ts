// A plan made with what earlier passes remembered must be exactly the plan made afresh: seeded random walks of
// passes where renders change, objects are applied, edited by hand or deleted, kinds lose their scope, two resources
// claim one object and self-heal is switched, each pass planned with the environment's memo and without one.
import { describe, expect, it } from 'vitest';
import type { Manifest, RenderedResource } from '@cascade/common';
import { createPrng, type Prng } from '@cascade/common/testing';
import type { Inventory } from './inventory.ts';
import type { Scope } from './object-key.ts';
import type { PlanInput } from './plan.ts';
import { planApply } from './plan.ts';
import { PlanMemo } from './plan-memo.ts';
import { asPlannedAfresh } from '../testing/plans.ts';
import { statuses } from './target-status.ts';
import { recordPass, type PassRecord } from './live-refresh.ts';

const NAMES = ['shop/cart', 'shop/checkout', 'shop/search', 'ops/metrics', 'ops/logs'];
const KINDS: Array<[string, string]> = [['v1', 'ConfigMap'], ['v1', 'Service'], ['apps/v1', 'Deployment'], ['example.com/v1', 'Widget']];

/** A render of `name`: one to three objects (now and then none), now and then one named like another resource's (a duplicate). */
function render(rng: Prng, name: string, version: number): RenderedResource {
  // Now and then none: a resource whose files render nothing.
  const manifests: Manifest[] = Array.from({ length: rng.chance(0.1) ? 0 : 1 + rng.int(3) }, (_, i) => {
    if (rng.chance(0.15)) return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared' }, data: { version: String(version) } };
    const [apiVersion, kind] = rng.pick(KINDS);
    return { apiVersion, kind, metadata: { name: `${name.replace('/', '-')}-${i}` }, data: { version: String(version) } };
  });
  return { ok: true, env: 'dev', name, version: `1.${version}`, manifests, sourceFiles: [`dev/deployable/${name}.yaml`] };
}

/** The live objects after carrying out `plan`: what it applied, as the server returns it, and nothing it pruned. */
function carriedOut(live: Manifest[], plan: ReturnType<typeof planApply>): Manifest[] {
  const applied = new Map(plan.apply.map((a) => [a.key, { ...a.object, metadata: { ...(a.object.metadata as object), uid: a.key } }]));
  const pruned = new Set(plan.prune.map((p) => p.entry.ref.name));
  const kept = live.filter((o) => !pruned.has(String((o.metadata as { name: string }).name)) && ![...applied.values()].some((a) => sameObject(a, o)));
  return [...kept, ...applied.values()];
}

function sameObject(a: Manifest, b: Manifest): boolean {
  const [ma, mb] = [a.metadata as { name: string; namespace?: string }, b.metadata as { name: string; namespace?: string }];
  return a.kind === b.kind && a.apiVersion === b.apiVersion && ma.name === mb.name && ma.namespace === mb.namespace;
}

describe('planApply with a memo', () => {
  it('plans every pass of random walks exactly as a fresh plan does', () => {
    let settledPasses = 0;
    let reusedStatuses = 0;
    let carriedRecords = 0;
    let carriedResources = 0;
    let twinPlans = 0;
    let carriedAsStored = 0;
    let recordsFromLastPlan = 0;
    let statusesCarried = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const rng = createPrng(seed);
      const memo = new PlanMemo();
      let version = 0;
      const rendered = new Map(NAMES.slice(0, 3).map((name) => [name, render(rng, name, version)]));
      let live: Manifest[] = [];
      let inventory: Inventory | undefined;
      let selfHeal = false;
      let widgetsKnown = true;
      let record: PassRecord | undefined;
      // Now and then a second resource under a name already used (a repo can hold one only by mistake).
      let twin: RenderedResource | undefined;
      // The twin takes the last resource's place (as many resources as before), or comes after it.
      let twinReplacing = false;
      let last: { plan: ReturnType<typeof planApply>; retain: Map<string, unknown>; settled: Map<string, unknown> } | undefined;
      for (let step = 0; step < 25; step++) {
        const scopeOf = (apiVersion: string, kind: string): Scope | undefined =>
          kind === 'Widget' ? (widgetsKnown ? 'Namespaced' : undefined) : KINDS.some(([a, k]) => a === apiVersion && k === kind) ? 'Namespaced' : undefined;
        const input = (withMemo: PlanMemo): PlanInput => ({
          installation: 'inst-a', env: 'dev', namespace: 'dev-ns', commit: `c${step}`, prune: true, selfHeal,
          rendered: twin === undefined ? [...rendered.values()] : twinReplacing ? [...rendered.values()].slice(0, -1).concat(twin) : [...rendered.values(), twin], live, inventory, checkPlacement: () => undefined, scopeOf, memo: withMemo,
        });
        const remembered = planApply(input(memo));
        // A plan carried over shares the last plan's maps: the last plan still holds what it held.
        if (last !== undefined) {
          expect(new Map(last.plan.retain), `last retain, seed ${seed} step ${step}`).toEqual(last.retain);
          expect(new Map(last.plan.settled), `last settled, seed ${seed} step ${step}`).toEqual(last.settled);
        }
        last = { plan: remembered, retain: new Map(remembered.retain), settled: new Map(remembered.settled) };
        const freshMemo = new PlanMemo();
        const fresh = planApply(input(freshMemo));
        // Only which resources were planned from memory may differ: a fresh plan remembers none.
        // Settled resources are by name: with a twin, one of the two is all `settled` can list.
        const compared = (plan: ReturnType<typeof planApply>) => (twin === undefined ? asPlannedAfresh(plan) : { ...plan, retain: new Map(plan.retain), unchanged: undefined, settled: undefined, lineage: undefined });
        expect(compared(remembered), `seed ${seed} step ${step}`).toEqual(compared(fresh));
        expect(fresh.settled.size).toBe(0);
        carriedResources += memo.lastPlan?.carried ?? 0;
        if (remembered.retainIsInventory && (memo.lastPlan?.carried ?? 0) > 0) carriedAsStored++;
        if (twin !== undefined) twinPlans++;
        // Statuses and records are by resource name, which a snapshot never gives twice (it reports the duplicate).
        if (twin !== undefined) record = undefined;
        else {
          // The statuses made with what the memo remembered (settled resources' statuses reused) are those made afresh.
          const pass = { env: 'dev', binding: { prune: true, selfHeal }, commit: `c${step}`, resources: [], rendered: input(memo).rendered, pruneHold: [] } as never;
          const nothingApplied = { applied: new Map(), errors: [], pruned: [] };
          const from = remembered.lineage?.carried?.from;
          if (from !== undefined && memo.lastStatuses(from, rendered.size) !== undefined) statusesCarried++;
          const reported = statuses(pass, remembered, memo.byObjectKey(live), nothingApplied, remembered.errors, memo);
          expect(reported, `statuses, seed ${seed} step ${step}`).toEqual(statuses(pass, fresh, freshMemo.byObjectKey(live), nothingApplied, fresh.errors, freshMemo));
          if (remembered.settled.size > 0) reusedStatuses++;
          // The record for watch events, carried over from the last pass's, is the one recorded afresh.
          const status = { env: 'dev', target: 'local', state: 'Clean' as const, resources: reported };
          if (record !== undefined && record.planId === remembered.lineage?.carried?.from) recordsFromLastPlan++;
          const carried = recordPass(status, remembered, memo.byObjectKey(live), nothingApplied, selfHeal, record);
          const recordedAfresh = recordPass(status, remembered, memo.byObjectKey(live), nothingApplied, selfHeal);
          expect(carried, `record, seed ${seed} step ${step}`).toEqual(recordedAfresh);
          if (carried !== undefined && record !== undefined && carried.objects === record.objects) carriedRecords++;
          record = carried;
        }
        if (remembered.apply.length === 0 && asPlannedAfresh(remembered).unchanged.length > 0) settledPasses++;
        // What happens before the next pass.
        const change = rng.int(8);
        if (change <= 2) {
          live = carriedOut(live, remembered);
          inventory = remembered.retain;
        } else if (change === 3) {
          const name = rng.pick(NAMES);
          if (rendered.has(name) && rng.chance(0.3)) rendered.delete(name);
          else rendered.set(name, render(rng, name, ++version));
        } else if (change === 4 && live.length > 0) {
          // Edited by hand (a new object from the watch), or deleted.
          const index = rng.int(live.length);
          const object = live[index]!;
          live = rng.chance(0.5) ? live.map((o, i) => (i === index ? { ...object, data: { edited: 'by hand' } } : o)) : live.filter((_, i) => i !== index);
        } else if (change === 5) selfHeal = !selfHeal;
        else if (change === 6) widgetsKnown = !widgetsKnown;
        else if (rng.chance(0.2)) {
          twin = twin === undefined && rendered.size > 1 ? render(rng, rng.pick([...rendered.keys()].slice(0, -1)), ++version) : undefined;
          twinReplacing = rng.chance(0.5);
        }
        // 7: nothing changed; the live objects come as a new list of the same objects now and then.
        else if (rng.chance(0.5)) live = [...live];
      }
    }
    // The walks did reach settled passes, which the memo answers from what it remembered.
    expect(settledPasses).toBeGreaterThan(100);
    expect(reusedStatuses).toBeGreaterThan(100);
    expect(carriedRecords).toBeGreaterThan(100);
    // Plans carried settled resources over from the plan before without looking at them.
    expect(carriedResources).toBeGreaterThan(300);
    expect(twinPlans).toBeGreaterThan(100);
    // Carried plans told, from what changed alone, that their retained entries were the stored inventory's.
    expect(carriedAsStored).toBeGreaterThan(50);
    // Records carried over for the resources the plan looked at again alone.
    expect(recordsFromLastPlan).toBeGreaterThan(100);
    // Statuses listed for the resources the plan looked at again alone, the rest carried over.
    expect(statusesCarried).toBeGreaterThan(100);
  });
});
