import { describe, expect, it } from 'vitest';
import type { Manifest, RenderedResource } from '@cascade/common';
import { createPrng, heapAfterCollection } from '@cascade/common/testing';
import { RenderedFactsTally } from './rendered-facts.ts';

const KINDS: Array<[string, string]> = [['v1', 'ConfigMap'], ['v1', 'Service'], ['apps/v1', 'Deployment'], ['apiextensions.k8s.io/v1', 'CustomResourceDefinition']];

/** Walked afresh: the kinds, namespaces and CRDs the resources render. */
function facts(rendered: readonly RenderedResource[]) {
  const objects = rendered.flatMap((r) => (r.ok ? r.manifests : []));
  const kinds = new Map(objects.map((o) => [`${String(o.apiVersion)}/${String(o.kind)}`, { apiVersion: o.apiVersion, kind: o.kind }]));
  const namespaces = new Set(objects.flatMap((o) => { const ns = (o.metadata as { namespace?: string }).namespace; return ns === undefined ? [] : [ns]; }));
  return { kinds: new Set(kinds.values()), namespaces, crds: objects.filter((o) => o.kind === 'CustomResourceDefinition') };
}

describe('RenderedFactsTally', () => {
  it('tells the facts of random walks of rendered resources as a walk over all of them does', () => {
    let looked = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const rng = createPrng(seed);
      const render = (name: string): RenderedResource => {
        if (rng.chance(0.1)) return { ok: false, env: 'dev', name, problems: [], sourceFiles: [] } as unknown as RenderedResource;
        const manifests: Manifest[] = Array.from({ length: 1 + rng.int(3) }, (_, i) => {
          const [apiVersion, kind] = rng.chance(0.05) ? KINDS[3]! : rng.pick(KINDS.slice(0, 3));
          return { apiVersion, kind, metadata: { name: `${name}-${i}`, ...(rng.chance(0.3) ? { namespace: rng.pick(['a', 'b', 'c']) } : {}) } };
        });
        return { ok: true, env: 'dev', name, manifests, sourceFiles: [`dev/${name}.yaml`] };
      };
      const tally = new RenderedFactsTally();
      let rendered = Array.from({ length: 5 }, (_, i) => render(`r${i}`));
      for (let step = 0; step < 30; step++) {
        const told = tally.of(rendered);
        const expected = facts(rendered);
        expect(new Set(told.kinds), `seed ${seed} step ${step}`).toEqual(expected.kinds);
        expect(new Set(told.namespaces)).toEqual(expected.namespaces);
        expect(told.crds).toEqual(expected.crds);
        looked++;
        // One place replaced, one resource added or removed, or the same resources in a new array.
        const change = rng.int(4);
        rendered = rendered.slice();
        if (change === 0 && rendered.length > 0) rendered[rng.int(rendered.length)] = render(`r${step}`);
        else if (change === 1) rendered.splice(rng.int(rendered.length + 1), 0, render(`n${step}`));
        else if (change === 2 && rendered.length > 0) rendered.splice(rng.int(rendered.length), 1);
      }
    }
    expect(looked).toBe(3000);
  });

  it('is not fooled by an array changed in place after it was told', () => {
    const tally = new RenderedFactsTally();
    const configMap: RenderedResource = { ok: true, env: 'dev', name: 'a', manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }], sourceFiles: [] };
    const service: RenderedResource = { ok: true, env: 'dev', name: 'a', manifests: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' } }], sourceFiles: [] };
    const rendered = [configMap];
    tally.of(rendered);
    rendered[0] = service;
    expect(tally.of(rendered).kinds).toEqual([{ apiVersion: 'v1', kind: 'Service' }]);
  });

  it('holds one set of facts for the many resources that render the same kinds into the same namespace', () => {
    const count = 10_000;
    const rendered: RenderedResource[] = Array.from({ length: count }, (_, i) => ({
      ok: true, env: 'dev', name: `r${i}`, sourceFiles: [],
      manifests: KINDS.slice(0, 3).map(([apiVersion, kind]): Manifest => ({ apiVersion, kind, metadata: { name: `r${i}`, namespace: 'shop' } })),
    }));
    const tally = new RenderedFactsTally();
    const before = heapAfterCollection();
    const told = tally.of(rendered);
    const kept = heapAfterCollection() - before;
    expect(told.kinds).toHaveLength(3);
    expect(told.namespaces).toEqual(['shop']);
    // Facts of its own (three kinds, their keys, the namespace, four lists) would be some 400 bytes a resource.
    expect(kept).toBeLessThan(count * 150);
  });
});
