import { describe, expect, it } from 'vitest';
import type { Manifest, RenderedResource } from '@cascade/common';
import type { ApplyOutcome } from './apply.ts';
import { CONTENT_HASH_ANNOTATION, markObject } from './labels.ts';
import { recordPass, refreshFromEvents, type PassRecord } from './live-refresh.ts';
import { objectKey, refOf, type Scope } from './object-key.ts';
import { planApply } from './plan.ts';
import { PlanMemo } from './plan-memo.ts';
import { statuses } from './target-status.ts';
import { environmentState } from '../status/environment-state.ts';

const SCOPES: Record<string, Scope> = { 'v1/Service': 'Namespaced', 'apps/v1/Deployment': 'Namespaced', 'v1/ConfigMap': 'Namespaced' };

function rendered(name: string, manifests: Manifest[]): RenderedResource {
  return { ok: true, env: 'dev', name, version: '1.0', manifests, sourceFiles: [`dev/deployable/${name}.yaml`] };
}
const cart = rendered('shop/cart', [
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'cart' }, spec: { replicas: 2 } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'cart' } },
]);
const settings = rendered('shared/settings', [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } }]);

/** The cluster after Cascade applied `r`: a Deployment half rolled out. */
function liveOf(r: RenderedResource): Manifest[] {
  if (!r.ok) return [];
  return r.manifests.map((m) => {
    const { object } = markObject({ ...m, metadata: { ...(m.metadata as object), namespace: 'dev-ns' } }, { installation: 'inst', env: 'dev', resource: r.name, version: r.version, sourceFiles: r.sourceFiles, commit: 'c0' });
    const metadata = { ...(object.metadata as object), uid: 'x', generation: 1 };
    return m.kind === 'Deployment' ? { ...object, metadata, status: { observedGeneration: 1, replicas: 2, updatedReplicas: 1, availableReplicas: 1 } } : { ...object, metadata };
  });
}

const NOTHING_APPLIED: ApplyOutcome = { applied: new Map(), pruned: [], errors: [] };

/** A pass over cart and settings with everything live as rendered, and its record. */
function passed(selfHeal = false): { record: PassRecord; live: Manifest[] } {
  const live = [...liveOf(cart), ...liveOf(settings)];
  const memo = new PlanMemo();
  const plan = planApply({ installation: 'inst', env: 'dev', namespace: 'dev-ns', commit: 'c1', prune: false, selfHeal, rendered: [cart, settings], live, inventory: undefined, checkPlacement: () => undefined, scopeOf: (v, k) => SCOPES[`${v}/${k}`] });
  expect(plan.apply).toEqual([]);
  const pass = { env: 'dev', binding: { env: 'dev', target: 'local', namespace: 'dev-ns', prune: false, selfHeal, allowEmpty: false }, commit: 'c1', resources: [], rendered: [cart, settings], pruneHold: [] };
  const resources = statuses(pass as never, plan, memo.byObjectKey(live), NOTHING_APPLIED, []);
  const status = { env: 'dev', target: 'local', commit: 'c1', state: environmentState(resources), resources };
  const record = recordPass(status, plan, memo.byObjectKey(live), NOTHING_APPLIED, selfHeal);
  expect(record).toBeDefined();
  return { record: record!, live };
}

const keyOf = (object: Manifest) => objectKey(refOf(object)!);
const deploymentOf = (live: Manifest[]) => live.find((o) => o.kind === 'Deployment')!;
const rolledOut = (deployment: Manifest): Manifest => ({ ...deployment, status: { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 } });

describe('refreshFromEvents', () => {
  it("moves the rollout of the changed object's resource along and keeps every other resource's status as it was", () => {
    const { record, live } = passed();
    expect(record.status.state).toBe('InProgress');
    const settingsBefore = record.status.resources.find((r) => r.name === 'shared/settings');
    const deployment = deploymentOf(live);
    const status = refreshFromEvents(record, new Map([[keyOf(deployment), rolledOut(deployment)]]));
    expect(status?.state).toBe('Clean');
    expect(status?.resources.find((r) => r.name === 'shop/cart')?.state).toBe('Clean');
    expect(status?.resources.find((r) => r.name === 'shared/settings')).toBe(settingsBefore);
    // The record follows: the same events again change nothing.
    expect(refreshFromEvents(record, new Map())).toBe(status);
  });

  it("follows the environment's state through events each way, as counting its resources again would", () => {
    const { record, live } = passed();
    const deployment = deploymentOf(live);
    const steps = [rolledOut(deployment), deployment, rolledOut(deployment), { ...deployment, status: { observedGeneration: 0 } }];
    for (const object of steps) {
      const status = refreshFromEvents(record, new Map([[keyOf(deployment), object]]))!;
      expect(status.state).toBe(environmentState(status.resources));
      expect(status.resources.map((r) => r.name)).toEqual(['shared/settings', 'shop/cart']);
    }
    expect(record.status.state).toBe('InProgress');
  });

  it('leaves to a pass an object changed by someone else, one deleted, and one the pass did not plan', () => {
    const { record, live } = passed();
    const deployment = deploymentOf(live);
    const metadata = deployment.metadata as { annotations: Record<string, string> };
    const edited = { ...deployment, metadata: { ...metadata, annotations: { ...metadata.annotations, [CONTENT_HASH_ANNOTATION]: 'someone-else' } } };
    expect(refreshFromEvents(record, new Map([[keyOf(deployment), edited]]))).toBeUndefined();
    expect(refreshFromEvents(passed().record, new Map([[keyOf(deployment), undefined]]))).toBeUndefined();
    const stranger = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stranger', namespace: 'dev-ns' } };
    expect(refreshFromEvents(passed().record, new Map([[keyOf(stranger), stranger]]))).toBeUndefined();
  });

  it('leaves a hand edit under the same hash to a pass when the environment self-heals, and only then', () => {
    const deployment = deploymentOf(passed().live);
    const scaled = { ...rolledOut(deployment), spec: { replicas: 5 } };
    expect(refreshFromEvents(passed(true).record, new Map([[keyOf(deployment), scaled]]))).toBeUndefined();
    expect(refreshFromEvents(passed(false).record, new Map([[keyOf(deployment), scaled]]))?.resources.find((r) => r.name === 'shop/cart')?.state).toBe('InProgress');
  });

  it('keeps no record of a pass that reported an error, which only a new pass can clear', () => {
    const { record } = passed();
    const failed = { ...record.status, resources: record.status.resources.map((r, i) => (i === 0 ? { ...r, errors: [{ code: 'apply-failed', message: 'no' }] } : r)) };
    const plan = { apply: [], unchanged: [], prune: [], retain: new Map(), forgotten: [], errors: [], settled: new Map(), retainIsInventory: false };
    expect(recordPass(failed, plan, new Map(), NOTHING_APPLIED, false)).toBeUndefined();
  });

  it('carries the last record into a pass over settled resources, as a fresh record would be but for what events told it since', () => {
    const live = [...liveOf(cart), ...liveOf(settings)];
    const memo = new PlanMemo();
    const pass = { env: 'dev', binding: { env: 'dev', target: 'local', namespace: 'dev-ns', prune: false, selfHeal: false, allowEmpty: false }, commit: 'c1', resources: [], rendered: [cart, settings], pruneHold: [] };
    const record = (previous?: PassRecord) => {
      const plan = planApply({ installation: 'inst', env: 'dev', namespace: 'dev-ns', commit: 'c1', prune: false, selfHeal: false, rendered: [cart, settings], live, inventory: undefined, checkPlacement: () => undefined, scopeOf: (v, k) => SCOPES[`${v}/${k}`], memo });
      const resources = statuses(pass as never, plan, memo.byObjectKey(live), NOTHING_APPLIED, [], memo);
      const status = { env: 'dev', target: 'local', commit: 'c1', state: environmentState(resources), resources };
      return { plan, fresh: recordPass(status, plan, memo.byObjectKey(live), NOTHING_APPLIED, false), carried: recordPass(status, plan, memo.byObjectKey(live), NOTHING_APPLIED, false, previous) };
    };
    const first = record().fresh!;
    // An event moved the Deployment along after the next pass read the live objects.
    const deployment = deploymentOf(live);
    refreshFromEvents(first, new Map([[keyOf(deployment), rolledOut(deployment)]]));
    const second = record(first);
    expect([...second.plan.settled.keys()].sort()).toEqual(['shared/settings', 'shop/cart']);
    expect(second.carried!.objects).toBe(first.objects);
    // The event came after the pass read its objects: the carried record keeps the newer object it told.
    expect(second.fresh!.live.get(keyOf(deployment))).toBe(deployment);
    expect(second.carried!.live.get(keyOf(deployment))).toEqual(rolledOut(deployment));
    second.carried!.live.set(keyOf(deployment), deployment);
    expect(second.carried).toEqual(second.fresh);
  });
});
