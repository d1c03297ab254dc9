import { describe, expect, it } from 'vitest';
import type { Manifest, RenderedResource } from '@cascade/common';
import { adoptInventory } from './inventory.ts';
import { CONTENT_HASH_ANNOTATION, markObject } from './labels.ts';
import type { Scope } from './object-key.ts';
import type { TargetPolicy } from '@cascade/common';
import { checkObjectPolicy } from '@cascade/common';
import type { PlanInput } from './plan.ts';
import { planApply } from './plan.ts';
import { PlanMemo } from './plan-memo.ts';
import { asPlannedAfresh } from '../testing/plans.ts';
import { createPrng, type Prng } from '@cascade/common/testing';
import { objectKey, refOf } from './object-key.ts';

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
/** A policy check that allows everything, for the tests about planning rather than policy. */
const allowAll = () => undefined;
function input(overrides: Partial<PlanInput>): PlanInput {
  return { installation: 'inst-a', env: 'dev', namespace: 'dev-ns', commit: 'c1', prune: false, selfHeal: false, rendered: [], live: [], inventory: undefined, checkPlacement: allowAll, scopeOf, ...overrides };
}
/** The target policy's check for environment dev (namespace dev-ns) on target local. */
function policyCheck(policy: TargetPolicy = {}): PlanInput['checkPlacement'] {
  return (object, scope) => checkObjectPolicy({ target: 'local', policy, env: 'dev', home: 'dev-ns' }, object, scope);
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

  it('refuses objects in, and Namespaces named as, namespaces the target does not allow, keeping the rest of the resource live', () => {
    const r = rendered('a', [obj('v1', 'ConfigMap', 'x', { metadata: { name: 'x', namespace: 'kube-system' } }), obj('v1', 'Namespace', 'kube-evil')]);
    const ok = rendered('b', [obj('v1', 'ConfigMap', 'y')]);
    const plan = planApply(input({ rendered: [r, ok], checkPlacement: policyCheck({ clusterKinds: ['Namespace'] }), prune: true, live: liveOf(r), inventory: undefined }));
    expect(plan.errors.map((e) => [e.resource, e.code, e.object])).toEqual([['a', 'namespace-not-allowed', 'ConfigMap kube-system/x'], ['a', 'namespace-not-allowed', 'Namespace kube-evil']]);
    expect(plan.apply.map((a) => a.ref.name)).toEqual(['y']);
    expect(plan.prune).toEqual([]);
  });

  it("confines objects to the environment's namespace and refuses cluster-scoped kinds by default, naming the config key to change", () => {
    const other = rendered('other', [obj('v1', 'ConfigMap', 'x', { metadata: { name: 'x', namespace: 'prod-ns' } }), obj('v1', 'ConfigMap', 'here')]);
    const rbac = rendered('rbac', [obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'all')]);
    const own = rendered('ns', [obj('v1', 'Namespace', 'dev-ns')]);
    const plan = planApply(input({ rendered: [other, rbac, own], checkPlacement: policyCheck() }));
    expect(plan.errors.map((e) => [e.resource, e.code, e.object, e.file])).toEqual([
      ['other', 'namespace-not-allowed', 'ConfigMap prod-ns/x', 'dev/deployable/other.yaml'],
      ['rbac', 'cluster-kind-not-allowed', 'ClusterRole all', 'dev/deployable/rbac.yaml'],
    ]);
    expect(plan.errors[0]?.message).toContain('targets.local.environments.dev.namespaces');
    expect(plan.errors[1]?.message).toContain('targets.local.clusterKinds');
    // The environment's own Namespace is Cascade's to create anyway; the other object of `other` still goes out.
    expect(plan.apply.map((a) => `${a.ref.kind} ${a.ref.name}`)).toEqual(['Namespace dev-ns', 'ConfigMap here']);
    const allowing = planApply(input({ rendered: [other, rbac], checkPlacement: policyCheck({ clusterKinds: ['rbac.authorization.k8s.io/ClusterRole'], environments: { dev: { namespaces: ['prod-*'] } } }) }));
    expect([allowing.errors, allowing.apply.map((a) => a.ref.name)]).toEqual([[], ['x', 'here', 'all']]);
  });

  it("refuses a rendered ConfigMap named like Cascade's inventory, which would let a commit rewrite what prune may delete", () => {
    const forged = rendered('a', [obj('v1', 'ConfigMap', 'cascade-inventory-inst-a-dev', { binaryData: { 'inventory.tsv.gz': 'AAAA' } })]);
    const plan = planApply(input({ rendered: [forged] }));
    expect([plan.apply, plan.errors.map((e) => [e.resource, e.code])]).toEqual([[], [['a', 'reserved-name']]]);
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
    const oldRef = { apiVersion: 'v1', kind: 'ConfigMap', name: 'old', namespace: 'dev-ns' };
    /** The inventory a deployer stored after applying these resources. */
    const inventoryFor = (...resources: RenderedResource[]) => adoptInventory(resources.flatMap((r) => liveOf(r)), 'inst-a', 'dev');
    /** What Kubernetes generates from a Service: the Service's labels copied, none of its annotations. */
    const endpointsOf = (service: Manifest): Manifest => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: (service.metadata as { name: string }).name, namespace: 'dev-ns', labels: (service.metadata as { labels: Manifest }).labels } });
    /** What the Deployment controller makes: the Deployment's annotations copied, an owner reference. */
    const replicaSetOf = (deployment: Manifest): Manifest => ({
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: { ...(deployment.metadata as object), name: 'cart-5d9f', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'cart', uid: 'u' }] },
    });

    it('deletes only inventoried objects of this environment that are no longer rendered', () => {
      const otherEnv = liveOf({ ...rendered('shop/pp-only', [obj('v1', 'ConfigMap', 'pp-only')]), env: 'pp' } as RenderedResource);
      const live = [...liveOf(cart), ...liveOf(old), unlabelled, ...otherEnv];
      const plan = planApply(input({ rendered: [cart], live, prune: true, inventory: inventoryFor(cart, old) }));
      expect(plan.prune).toEqual([{ resource: 'shop/old', ref: oldRef, entry: { resource: 'shop/old', ref: oldRef } }]);
      expect([...plan.retain.keys()].sort()).toEqual(['/Service/dev-ns/cart', 'apps/Deployment/dev-ns/cart']);
    });

    it('never deletes what Kubernetes generated from our objects, with or without a stored inventory', () => {
      const [deployment, service] = liveOf(cart) as [Manifest, Manifest];
      const generated = [endpointsOf(service), replicaSetOf(deployment)];
      for (const inventory of [inventoryFor(cart), undefined]) {
        const plan = planApply(input({ rendered: [cart], live: [...liveOf(cart), ...generated], prune: true, inventory }));
        expect(plan.prune).toEqual([]);
        expect(plan.retain.size).toBe(2);
      }
    });

    it('leaves labelled objects alone that the inventory does not list', () => {
      expect(planApply(input({ rendered: [cart], live: [...liveOf(cart), ...liveOf(old)], prune: true, inventory: inventoryFor(cart) })).prune).toEqual([]);
    });

    it('forgets an entry whose object is gone or is no longer ours, without deleting it', () => {
      const adopted = liveOf(old).map((o) => ({ ...o, metadata: { ...(o.metadata as object), ownerReferences: [{ kind: 'Something', name: 'x', uid: 'u' }] } }));
      const gone = planApply(input({ rendered: [cart], live: liveOf(cart), prune: true, inventory: inventoryFor(cart, old) }));
      expect([gone.prune, gone.forgotten.map((f) => f.why)]).toEqual([[], ['it no longer exists']]);
      const owned = planApply(input({ rendered: [cart], live: [...liveOf(cart), ...adopted], prune: true, inventory: inventoryFor(cart, old) }));
      expect([owned.prune, owned.forgotten.map((f) => f.why)]).toEqual([[], ['it has ownerReferences']]);
      expect(owned.retain.has('/ConfigMap/dev-ns/old')).toBe(false);
    });

    it("never deletes another installation's objects of an environment with the same name", () => {
      const theirs = liveOf(rendered('shop/theirs', [obj('v1', 'ConfigMap', 'theirs')]), 'their-ns', 'inst-b');
      expect(planApply(input({ rendered: [cart], live: [...liveOf(cart), ...theirs], prune: true, inventory: undefined })).prune).toEqual([]);
    });

    it('prunes nothing unless prune is on, and keeps the entries for when it is', () => {
      const plan = planApply(input({ rendered: [cart], live: liveOf(old), inventory: inventoryFor(cart, old) }));
      expect([plan.prune, plan.retain.has('/ConfigMap/dev-ns/old')]).toEqual([[], true]);
    });

    it('keeps the objects and entries of a resource that failed to render or plan', () => {
      const failed: RenderedResource = { ok: false, env: 'dev', name: 'shop/old', problems: [{ file: 'f', severity: 'error', code: 'c', message: 'm' }] };
      const plan = planApply(input({ rendered: [failed], live: liveOf(old), prune: true, inventory: inventoryFor(old) }));
      expect([plan.prune, plan.retain.has('/ConfigMap/dev-ns/old')]).toEqual([[], true]);
      const badKind = rendered('shop/old', [obj('example.com/v9', 'Nope', 'n')]);
      expect(planApply(input({ rendered: [badKind], live: liveOf(old), prune: true, inventory: inventoryFor(old) })).prune).toEqual([]);
    });

    it('holds every prune while the environment has a prune hold, and says why', () => {
      const plan = planApply(input({ rendered: [cart], live: [...liveOf(cart), ...liveOf(old)], prune: true, inventory: inventoryFor(cart, old), pruneHold: ['dev/deployable is a symlink'] }));
      expect([plan.prune, plan.retain.size, plan.pruneHeld]).toEqual([[], 3, expect.stringContaining('dev/deployable is a symlink')]);
    });

    it('refuses to empty an environment that suddenly renders nothing, unless allowEmpty says so', () => {
      const held = planApply(input({ rendered: [], live: liveOf(cart), prune: true, inventory: inventoryFor(cart) }));
      expect([held.prune, held.pruneHeld]).toEqual([[], expect.stringContaining('allowEmpty')]);
      expect(planApply(input({ rendered: [], live: liveOf(cart), prune: true, inventory: inventoryFor(cart), allowEmpty: true })).prune).toHaveLength(2);
    });

    it('deletes users before what they need: Deployments, then ConfigMaps, then Namespaces', () => {
      const gone = rendered('gone', [obj('v1', 'Namespace', 'n'), obj('v1', 'ConfigMap', 'c'), obj('apps/v1', 'Deployment', 'd')]);
      const plan = planApply(input({ rendered: [cart], live: [...liveOf(cart), ...liveOf(gone)], prune: true, inventory: inventoryFor(cart, gone) }));
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

  describe('with a memo', () => {
    it('places and hashes an unchanged object once across commits, and plans exactly as without a memo', () => {
      const memo = new PlanMemo();
      let checks = 0;
      const counting: PlanInput['checkPlacement'] = () => {
        checks++;
        return undefined;
      };
      const live = liveOf(cart);
      const first = planApply(input({ rendered: [cart], live, memo, checkPlacement: counting, selfHeal: true, commit: 'c1' }));
      const second = planApply(input({ rendered: [cart], live, memo, checkPlacement: counting, selfHeal: true, commit: 'c2' }));
      expect(checks).toBe(2);
      expect(asPlannedAfresh(second)).toEqual(asPlannedAfresh(first));
      expect([...second.settled.keys()]).toEqual(['shop/cart']);
      expect(asPlannedAfresh(second)).toEqual(asPlannedAfresh(planApply(input({ rendered: [cart], live, selfHeal: true, commit: 'c2' }))));
    });

    it('stamps the new commit on what it applies, and prepares again what a new version changes', () => {
      const memo = new PlanMemo();
      const [before] = planApply(input({ rendered: [cart], memo, commit: 'c1' })).apply;
      const [after] = planApply(input({ rendered: [cart], memo, commit: 'c2' })).apply;
      expect((after?.object.metadata as { annotations: Record<string, string> }).annotations['cascade.dev/commit']).toBe('c2');
      expect(after?.contentHash).toBe(before?.contentHash);
      const bumped = rendered('shop/cart', (cart as { manifests: Manifest[] }).manifests, '2.0');
      expect(planApply(input({ rendered: [bumped], memo, live: liveOf(cart) })).apply.map((a) => a.reason)).toEqual(['change', 'change']);
    });

    it('finds drift again when the live object is replaced by an event', () => {
      const memo = new PlanMemo();
      expect(planApply(input({ rendered: [cart], live: liveOf(cart), memo, selfHeal: true })).apply).toEqual([]);
      const edited = liveOf(cart).map((o) => (o.kind === 'Deployment' ? { ...o, spec: { replicas: 5 } } : o));
      expect(planApply(input({ rendered: [cart], live: edited, memo, selfHeal: true })).apply.map((a) => a.reason)).toEqual(['drift']);
    });

    it('plans a settled resource from what it remembers, exactly as a fresh plan would, until something it read changes', () => {
      const memo = new PlanMemo();
      const other = rendered('shop/other', [obj('v1', 'ConfigMap', 'other')]);
      // Live objects that count how often the plan reads them.
      let reads = 0;
      const live = [...liveOf(cart), ...liveOf(other)].map((o) => new Proxy(o, { get: (target, key) => (reads++, Reflect.get(target, key)) }));
      const fresh = (overrides: Partial<PlanInput>) => planApply(input({ rendered: [cart, other], live, prune: true, inventory: adoptInventory(live, 'inst-a', 'dev'), selfHeal: true, ...overrides }));
      const first = fresh({ memo });
      const inventory = adoptInventory(live, 'inst-a', 'dev');
      reads = 0;
      // Settled: the same render and the same live objects; none of them is read, compared or hashed again.
      const second = planApply(input({ rendered: [cart, other], live, prune: true, inventory, selfHeal: true, memo, commit: 'c2' }));
      expect(reads).toBe(0);
      expect([...first.settled.keys()]).toEqual([]);
      expect([...second.settled.keys()]).toEqual(['shop/cart', 'shop/other']);
      expect(asPlannedAfresh(second)).toEqual(asPlannedAfresh(first));
      expect(asPlannedAfresh(second)).toEqual(asPlannedAfresh(fresh({ commit: 'c2' })));
      // Another resource now defines the same object first: the duplicate is found as without a memo.
      const copy = rendered('a/copy', [obj('v1', 'ConfigMap', 'other')]);
      expect(fresh({ memo, rendered: [copy, cart, other] }).errors.map((e) => [e.resource, e.code])).toEqual([['shop/other', 'duplicate-object']]);
      // The kind's scope changed (a CRD replaced): planned afresh.
      const noConfigMaps: PlanInput['scopeOf'] = (apiVersion, kind) => (kind === 'ConfigMap' ? undefined : scopeOf(apiVersion, kind));
      expect(fresh({ memo, scopeOf: noConfigMaps }).errors.map((e) => [e.resource, e.code])).toEqual([['shop/other', 'unknown-kind']]);
      // The live object was deleted: created again.
      expect(fresh({ memo, live: liveOf(cart) }).apply.map((a) => [a.reason, a.ref.name])).toEqual([['create', 'other']]);
    });

    it('settles a resource only once every object of it is live as rendered', () => {
      const memo = new PlanMemo();
      const partly = liveOf(cart).filter((o) => o.kind === 'Service');
      expect(planApply(input({ rendered: [cart], live: partly, memo })).apply.map((a) => a.ref.kind)).toEqual(['Deployment']);
      // Still missing in the next pass: applied again, not taken for settled because the Service was.
      expect(planApply(input({ rendered: [cart], live: partly, memo })).apply.map((a) => a.ref.kind)).toEqual(['Deployment']);
    });
  });
});

describe('the hashed part built again', () => {
  /** A resource of random objects: namespaced and cluster-scoped, named with and without a namespace, labelled or not. */
  function randomResource(prng: Prng, index: number): RenderedResource & { ok: true } {
    const kinds = [['v1', 'ConfigMap'], ['apps/v1', 'Deployment'], ['v1', 'Namespace'], ['rbac.authorization.k8s.io/v1', 'ClusterRole']] as const;
    const manifests = Array.from({ length: 1 + prng.int(3) }, (_, i): Manifest => {
      const [apiVersion, kind] = prng.pick(kinds);
      const metadata: Manifest = { name: `o${index}-${i}` };
      if (prng.chance(0.3)) metadata.namespace = prng.pick(['dev-ns', 'other']);
      if (prng.chance(0.5)) metadata.labels = { app: `a${prng.int(5)}` };
      if (prng.chance(0.5)) metadata.annotations = { note: `n${prng.int(5)}`, 'cascade.dev/resource': 'forged' };
      return { apiVersion, kind, metadata, ...(prng.chance(0.7) ? { data: { key: `v${prng.int(100)}` } } : {}) };
    });
    return { ok: true, env: 'dev', name: `r/${index}`, manifests, sourceFiles: [`dev/r${index}.yaml`, 'base/app.yaml'], ...(prng.chance(0.2) ? {} : { version: `1.${prng.int(9)}` }) };
  }

  /** Each object of `r` as markObject marks it at `commit`, placed as the plan places it, by object key. */
  function markedAnew(r: RenderedResource & { ok: true }, commit: string): Map<string, Manifest> {
    return new Map(r.manifests.map((m) => {
      const { namespace, ...metadata } = m.metadata as Record<string, string>;
      const cluster = scopeOf(String(m.apiVersion), String(m.kind)) === 'Cluster';
      const placed = { ...m, metadata: cluster ? metadata : { ...metadata, namespace: namespace ?? 'dev-ns' } };
      const { object } = markObject(placed, { installation: 'inst-a', env: 'dev', resource: r.name, version: r.version, sourceFiles: r.sourceFiles, commit });
      return [objectKey(refOf(object)!), object];
    }));
  }

  it('applies, compares and self-heals from objects built again from the render, the same as marking them anew', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const prng = createPrng(seed);
      const resources = Array.from({ length: 4 }, (_, i) => randomResource(prng, i));
      const memo = new PlanMemo();
      // First pass: everything created, each object exactly as markObject marks its placed render.
      const first = planApply(input({ rendered: resources, memo, selfHeal: true }));
      expect(first.errors).toEqual([]);
      const expected = new Map(resources.flatMap((r) => [...markedAnew(r, 'c1')]));
      expect(new Map(first.apply.map((a) => [a.key, a.object]))).toEqual(expected);
      // Live as marked (at an older commit): nothing to apply, and no drift against the part built again.
      const live = resources.flatMap((r) => [...markedAnew(r, 'c0').values()]);
      expect(planApply(input({ rendered: resources, memo, selfHeal: true, live })).apply).toEqual([]);
      // One object changed by hand in a field the repo sets: found, and applied back as marked.
      const edited = prng.int(live.length);
      const key = objectKey(refOf(live[edited]!)!);
      const handEdited = live.map((o, i) => (i === edited ? { ...o, metadata: { ...(o.metadata as object), labels: { app: 'by-hand' } } } : o));
      const third = planApply(input({ rendered: resources, memo, selfHeal: true, live: handEdited }));
      expect(third.apply.map((a) => [a.reason, a.key, a.object])).toEqual([['drift', key, expected.get(key)]]);
    }
  });
});
