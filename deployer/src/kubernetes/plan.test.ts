import { describe, expect, it } from 'vitest';
import type { Manifest, RenderedResource } from '@cascade/common';
import { CONTENT_HASH_ANNOTATION, markObject } from './labels.ts';
import type { Scope } from './object-key.ts';
import type { PlanInput } from './plan.ts';
import { planApply } from './plan.ts';

const BUILTIN: Record<string, Scope> = {
  'v1/Namespace': 'Cluster', 'v1/ConfigMap': 'Namespaced', 'v1/Service': 'Namespaced', 'apps/v1/Deployment': 'Namespaced',
  'apiextensions.k8s.io/v1/CustomResourceDefinition': 'Cluster', 'rbac.authorization.k8s.io/v1/ClusterRole': 'Cluster',
};
const scopeOf = (apiVersion: string, kind: string): Scope | undefined => BUILTIN[`${apiVersion}/${kind}`];

function obj(apiVersion: string, kind: string, name: string, extra: Manifest = {}): Manifest {
  return { apiVersion, kind, metadata: { name }, ...extra };
}
function rendered(name: string, manifests: Manifest[], version = '1.0'): RenderedResource {
  return { ok: true, env: 'dev', name, version, manifests, sourceFiles: [`dev/deployable/${name}.yaml`] };
}
function input(overrides: Partial<PlanInput>): PlanInput {
  return { installation: 'inst-a', env: 'dev', namespace: 'dev-ns', commit: 'c1', prune: false, selfHeal: false, rendered: [], live: [], scopeOf, ...overrides };
}
/** What the cluster holds after Cascade applied `r` at an earlier commit. */
function liveOf(r: RenderedResource, namespace = 'dev-ns', installation = 'inst-a'): Manifest[] {
  if (!r.ok) return [];
  return r.manifests.map((m) => {
    const placed = scopeOf(String(m.apiVersion), String(m.kind)) === 'Cluster' ? m : { ...m, metadata: { ...(m.metadata as object), namespace } };
    const { object } = markObject(placed, { installation, env: r.env, resource: r.name, version: r.version, sourceFiles: r.sourceFiles, commit: 'c0' });
    return { ...object, metadata: { ...(object.metadata as object), uid: 'x' }, status: { replicas: 1 } };
  });
}

const cart = rendered('shop/cart', [obj('apps/v1', 'Deployment', 'cart', { spec: { replicas: 2 } }), obj('v1', 'Service', 'cart')]);

describe('planApply', () => {
  it('creates what the cluster lacks, in the environment namespace', () => {
    const plan = planApply(input({ rendered: [cart] }));
    expect(plan.apply.map((a) => [a.reason, a.ref.kind, a.ref.namespace])).toEqual([['create', 'Service', 'dev-ns'], ['create', 'Deployment', 'dev-ns']]);
    expect(plan.apply[0]?.object).toMatchObject({ metadata: { namespace: 'dev-ns', labels: { 'cascade.dev/installation': 'inst-a', 'cascade.dev/env': 'dev' } } });
    expect(plan.errors).toEqual([]);
  });

  it('keeps an explicit namespace and uses default when the binding names none', () => {
    const r = rendered('a', [obj('v1', 'ConfigMap', 'x', { metadata: { name: 'x', namespace: 'other' } }), obj('v1', 'ConfigMap', 'y')]);
    const plan = planApply(input({ rendered: [r], namespace: undefined }));
    expect(plan.apply.map((a) => a.ref.namespace)).toEqual(['other', 'default']);
  });

  it('drops the namespace of cluster-scoped objects', () => {
    const r = rendered('a', [obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'reader', { metadata: { name: 'reader', namespace: 'x' } })]);
    const [action] = planApply(input({ rendered: [r] })).apply;
    expect(action?.ref.namespace).toBeUndefined();
    expect(action?.object.metadata).not.toHaveProperty('namespace');
  });

  it('skips objects whose live content hash matches, even at another commit', () => {
    const plan = planApply(input({ rendered: [cart], live: liveOf(cart), commit: 'c9' }));
    expect(plan.apply).toEqual([]);
    expect(plan.unchanged.map((u) => u.ref.kind)).toEqual(['Deployment', 'Service']);
  });

  it('applies what changed, and only that', () => {
    const changed = rendered('shop/cart', [obj('apps/v1', 'Deployment', 'cart', { spec: { replicas: 3 } }), obj('v1', 'Service', 'cart')]);
    const plan = planApply(input({ rendered: [changed], live: liveOf(cart) }));
    expect(plan.apply.map((a) => [a.reason, a.ref.kind])).toEqual([['change', 'Deployment']]);
  });

  it('re-applies everything when the version changes, so the version annotation stays true', () => {
    const plan = planApply(input({ rendered: [rendered('shop/cart', (cart as { manifests: Manifest[] }).manifests, '2.0')], live: liveOf(cart) }));
    expect(plan.apply).toHaveLength(2);
  });

  it('puts Namespaces and CRDs first, then the rest in dependency order', () => {
    const crd = obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com', {
      spec: { group: 'example.com', scope: 'Namespaced', names: { kind: 'Widget', plural: 'widgets' }, versions: [{ name: 'v1', served: true, storage: true }] },
    });
    const r = rendered('all', [obj('example.com/v1', 'Widget', 'w'), obj('apps/v1', 'Deployment', 'd'), obj('v1', 'ConfigMap', 'c'), crd, obj('v1', 'Namespace', 'dev-ns')]);
    const plan = planApply(input({ rendered: [r] }));
    expect(plan.apply.map((a) => [a.stage, a.ref.kind])).toEqual([
      ['foundation', 'Namespace'], ['foundation', 'CustomResourceDefinition'], ['objects', 'ConfigMap'], ['objects', 'Deployment'], ['objects', 'Widget'],
    ]);
    expect(plan.apply.find((a) => a.ref.kind === 'Widget')?.ref.namespace).toBe('dev-ns');
  });

  it('takes a cluster-scoped custom kind from its CRD in the same commit', () => {
    const crd = obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'gadgets.example.com', {
      spec: { group: 'example.com', scope: 'Cluster', names: { kind: 'Gadget' }, versions: [{ name: 'v1' }] },
    });
    const plan = planApply(input({ rendered: [rendered('crd', [crd]), rendered('g', [obj('example.com/v1', 'Gadget', 'g', { metadata: { name: 'g', namespace: 'x' } })])] }));
    expect(plan.apply.find((a) => a.ref.kind === 'Gadget')?.ref).toEqual({ apiVersion: 'example.com/v1', kind: 'Gadget', name: 'g' });
  });

  it('reports an unknown kind for its resource and file and plans the others', () => {
    const plan = planApply(input({ rendered: [rendered('bad', [obj('example.com/v2', 'Gizmo', 'g')]), cart] }));
    expect(plan.errors).toEqual([expect.objectContaining({ resource: 'bad', code: 'unknown-kind', file: 'dev/deployable/bad.yaml', object: 'Gizmo g' })]);
    expect(plan.apply).toHaveLength(2);
  });

  it('reports manifests without identity and objects defined twice', () => {
    const plan = planApply(input({ rendered: [rendered('a', [{ kind: 'ConfigMap' }, obj('v1', 'ConfigMap', 'x')]), rendered('b', [obj('v1', 'ConfigMap', 'x')])] }));
    expect(plan.errors.map((e) => [e.resource, e.code])).toEqual([['a', 'invalid-manifest'], ['b', 'duplicate-object']]);
    expect(plan.errors[1]?.message).toContain('resource a');
  });

  it('turns render problems into errors with their file', () => {
    const broken: RenderedResource = { ok: false, env: 'dev', name: 'shop/cart', problems: [
      { file: 'dev/version/shop/cart.yaml', severity: 'error', code: 'missing-key', message: 'no key image' },
      { file: 'dev/version/shop/cart.yaml', severity: 'warning', code: 'x', message: 'just so' },
    ] };
    expect(planApply(input({ rendered: [broken] })).errors).toEqual([{ resource: 'shop/cart', code: 'missing-key', file: 'dev/version/shop/cart.yaml', message: 'no key image' }]);
  });

  describe('prune', () => {
    const old = rendered('shop/old', [obj('v1', 'ConfigMap', 'old')]);
    const unlabelled = { ...obj('v1', 'ConfigMap', 'hand-made'), metadata: { name: 'hand-made', namespace: 'dev-ns' } };

    it('deletes only labelled objects of this environment that are no longer rendered', () => {
      const otherEnv = liveOf({ ...rendered('shop/pp-only', [obj('v1', 'ConfigMap', 'pp-only')]), env: 'pp' } as RenderedResource);
      const live = [...liveOf(cart), ...liveOf(old), unlabelled, ...otherEnv];
      const plan = planApply(input({ rendered: [cart], live, prune: true }));
      expect(plan.prune).toEqual([{ resource: 'shop/old', ref: { apiVersion: 'v1', kind: 'ConfigMap', name: 'old', namespace: 'dev-ns' } }]);
    });

    it("never deletes another installation's objects of an environment with the same name", () => {
      const theirs = liveOf(rendered('shop/theirs', [obj('v1', 'ConfigMap', 'theirs')]), 'their-ns', 'inst-b');
      expect(planApply(input({ rendered: [cart], live: [...liveOf(cart), ...theirs], prune: true })).prune).toEqual([]);
    });

    it('prunes nothing unless prune is on', () => {
      expect(planApply(input({ rendered: [cart], live: liveOf(old) })).prune).toEqual([]);
    });

    it('keeps the objects of a resource that failed to render or plan', () => {
      const failed: RenderedResource = { ok: false, env: 'dev', name: 'shop/old', problems: [{ file: 'f', severity: 'error', code: 'c', message: 'm' }] };
      expect(planApply(input({ rendered: [failed], live: liveOf(old), prune: true })).prune).toEqual([]);
      const badKind = rendered('shop/old', [obj('example.com/v9', 'Nope', 'n')]);
      expect(planApply(input({ rendered: [badKind], live: liveOf(old), prune: true })).prune).toEqual([]);
    });

    it('deletes users before what they need: Deployments, then ConfigMaps, then Namespaces', () => {
      const gone = rendered('gone', [obj('v1', 'Namespace', 'n'), obj('v1', 'ConfigMap', 'c'), obj('apps/v1', 'Deployment', 'd')]);
      const plan = planApply(input({ rendered: [], live: liveOf(gone), prune: true }));
      expect(plan.prune.map((p) => p.ref.kind)).toEqual(['Deployment', 'ConfigMap', 'Namespace']);
    });
  });

  describe('selfHeal', () => {
    const drifted = () => liveOf(cart).map((o) => (o.kind === 'Deployment' ? { ...o, spec: { replicas: 7 } } : o));

    it('re-applies an unchanged object someone edited by hand', () => {
      const plan = planApply(input({ rendered: [cart], live: drifted(), selfHeal: true }));
      expect(plan.apply.map((a) => [a.reason, a.ref.kind, a.drift])).toEqual([['drift', 'Deployment', ['spec.replicas']]]);
    });

    it('leaves hand edits alone without selfHeal', () => {
      expect(planApply(input({ rendered: [cart], live: drifted() })).apply).toEqual([]);
    });
  });

  it('re-applies an object whose live hash annotation was removed', () => {
    const live = liveOf(cart).map((o) => ({ ...o, metadata: { ...(o.metadata as object), annotations: { [CONTENT_HASH_ANNOTATION]: 'other' } } }));
    expect(planApply(input({ rendered: [cart], live })).apply.map((a) => a.reason)).toEqual(['change', 'change']);
  });
});
