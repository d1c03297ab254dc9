import { describe, expect, it } from 'vitest';
import type { Manifest, RenderedResource } from '@cascade/common';
import { planApply } from './plan.ts';
import { PlanMemo } from './plan-memo.ts';
import { statuses } from './target-status.ts';

function rendered(name: string): RenderedResource {
  const manifests: Manifest[] = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: name.replace('/', '-') }, data: { a: '1' } }];
  return { ok: true, env: 'dev', name, version: '1.0', manifests, sourceFiles: [`dev/deployable/${name}.yaml`] };
}

/** The statuses of a first pass over `resources` (nothing live yet), with `errors` from carrying it out. */
function statusesOf(resources: RenderedResource[], errors: Parameters<typeof statuses>[4] = []) {
  const memo = new PlanMemo();
  const plan = planApply({ installation: 'inst', env: 'dev', namespace: 'dev-ns', commit: 'c1', prune: true, selfHeal: false, rendered: resources, live: [], inventory: undefined, checkPlacement: () => undefined, scopeOf: () => 'Namespaced', memo });
  const pass = { env: 'dev', binding: { env: 'dev', target: 'local', namespace: 'dev-ns', prune: true, selfHeal: false, allowEmpty: false }, commit: 'c1', resources: [], rendered: resources, pruneHold: [] };
  return statuses(pass as never, plan, new Map(), { applied: new Map(), errors: [], pruned: [] }, errors, memo);
}

describe('statuses', () => {
  it('lists every resource once, by name, whatever order the environment lists them in', () => {
    const names = (list: RenderedResource[]) => statusesOf(list).map((s) => s.name);
    expect(names([rendered('shop/search'), rendered('ops/logs'), rendered('shop/cart')])).toEqual(['ops/logs', 'shop/cart', 'shop/search']);
    expect(names([rendered('ops/logs'), rendered('shop/cart'), rendered('shop/cart')])).toEqual(['ops/logs', 'shop/cart']);
  });

  it('reports a resource the repo no longer renders when its objects failed to prune, in its place by name', () => {
    const failed = { resource: 'shop/gone', code: 'prune-failed', message: 'the API server refused the delete' };
    const reported = statusesOf([rendered('ops/logs'), rendered('shop/search')], [failed]);
    expect(reported.map((s) => s.name)).toEqual(['ops/logs', 'shop/gone', 'shop/search']);
    expect(reported[1]!.errors).toEqual([{ code: 'prune-failed', message: 'the API server refused the delete' }]);
  });
});
