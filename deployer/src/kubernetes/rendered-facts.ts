// What every pass reads off an environment's rendered resources and its inventory: the kinds rendered, the namespaces
// named, the CustomResourceDefinitions. Kept per render and per inventory object (the render cache hands out the same
// object while a resource's files are unchanged, and the inventory store the same map while its text is), and
// tallied per environment, so a pass looks only at the resources that changed rather than at every one. No I/O.
import type { Manifest, RenderedResource } from '@cascade/common';
import type { Inventory } from './inventory.ts';
import type { KindToList } from './live.ts';
import { isFoundation } from './object-key.ts';

interface RenderFacts {
  kinds: KindToList[];
  /** `apiVersion/kind` of each of `kinds`, made once: a pass looks at every resource's kinds. */
  kindKeys: string[];
  namespaces: string[];
  crds: Manifest[];
}

const renderFacts = new WeakMap<RenderedResource, RenderFacts>();
const inventoryFacts = new WeakMap<Inventory, string[]>();
const inventoryKindLists = new WeakMap<Inventory, KindToList[]>();
const NO_FACTS: RenderFacts = { kinds: [], kindKeys: [], namespaces: [], crds: [] };

/**
 * Facts without CRDs, one object per distinct set of kinds and namespaces: thousands of resources render the same
 * kinds into the same namespace, and their facts were hundreds of bytes each. Bounded: past the limit a set is
 * only shared less.
 */
const sharedFacts = new Map<string, RenderFacts>();
const MAX_SHARED_FACTS = 10_000;

/** The CustomResourceDefinitions the resources render, in their order. */
function renderedCrdsOf(rendered: readonly RenderedResource[]): Manifest[] {
  const crds: Manifest[] = [];
  for (const resource of rendered) {
    const own = factsOf(resource).crds;
    if (own.length > 0) crds.push(...own);
  }
  return crds;
}

/** The distinct apiVersion/kind pairs of an inventory's entries, worked out once per inventory object. */
export function inventoryKinds(inventory: Inventory | undefined): KindToList[] {
  if (inventory === undefined) return [];
  let kinds = inventoryKindLists.get(inventory);
  if (kinds === undefined) {
    const seen = new Map<string, KindToList>();
    for (const { ref } of inventory.values()) seen.set(`${ref.apiVersion}/${ref.kind}`, { apiVersion: ref.apiVersion, kind: ref.kind });
    kinds = [...seen.values()];
    inventoryKindLists.set(inventory, kinds);
  }
  return kinds;
}

/** The distinct namespaces of an inventory's entries. */
export function inventoryNamespaces(inventory: Inventory | undefined): string[] {
  if (inventory === undefined) return [];
  let namespaces = inventoryFacts.get(inventory);
  if (namespaces === undefined) {
    namespaces = [...new Set([...inventory.values()].flatMap((e) => (e.ref.namespace === undefined ? [] : [e.ref.namespace])))];
    inventoryFacts.set(inventory, namespaces);
  }
  return namespaces;
}

/** The facts of an environment's rendered resources as a pass reads them: kinds and namespaces in no particular order. */
export interface EnvironmentFacts {
  kinds: KindToList[];
  namespaces: string[];
  /** In the order the resources render them (the first CRD to define a kind wins). */
  crds: Manifest[];
}

/**
 * The facts of one environment's rendered resources, kept from pass to pass: a pass whose resources are the same
 * objects in the same places but a few looks only at those few (by counting what each resource contributes), not at
 * thousands of unchanged ones. Keep one per environment.
 */
export class RenderedFactsTally {
  private rendered: readonly RenderedResource[] = [];
  private readonly kinds = new Map<string, { kind: KindToList; count: number }>();
  private readonly namespaces = new Map<string, number>();
  /** How many resources render a CRD; while none does, the CRD list needs no walk. */
  private withCrds = 0;
  private last: EnvironmentFacts | undefined;

  /** The facts of `rendered`, comparing its places with those of the last call's. */
  of(rendered: readonly RenderedResource[]): EnvironmentFacts {
    const before = this.rendered;
    let changed = this.last === undefined;
    for (let index = 0; index < Math.max(before.length, rendered.length); index++) {
      if (before[index] === rendered[index]) continue;
      if (before[index] !== undefined) this.count(factsOf(before[index]!), -1);
      if (rendered[index] !== undefined) this.count(factsOf(rendered[index]!), 1);
      changed = true;
    }
    // Same resources in the same places: the same facts, and the copy kept still matches (a pass asks three times).
    if (!changed) return this.last!;
    // A copy: the caller may change its array, and the next call compares places with this one.
    this.rendered = rendered.slice();
    this.last = { kinds: [...this.kinds.values()].map((k) => k.kind), namespaces: [...this.namespaces.keys()], crds: this.withCrds === 0 ? [] : renderedCrdsOf(rendered) };
    return this.last;
  }

  private count(facts: RenderFacts, by: 1 | -1): void {
    for (let i = 0; i < facts.kinds.length; i++) {
      const key = facts.kindKeys[i]!;
      const entry = this.kinds.get(key) ?? { kind: facts.kinds[i]!, count: 0 };
      entry.count += by;
      if (entry.count === 0) this.kinds.delete(key);
      else this.kinds.set(key, entry);
    }
    for (const namespace of facts.namespaces) {
      const count = (this.namespaces.get(namespace) ?? 0) + by;
      if (count === 0) this.namespaces.delete(namespace);
      else this.namespaces.set(namespace, count);
    }
    if (facts.crds.length > 0) this.withCrds += by;
  }
}

/** The distinct apiVersion/kind pairs of some objects. */
function distinctKinds(objects: readonly Manifest[]): KindToList[] {
  const seen = new Map<string, KindToList>();
  for (const o of objects) {
    if (typeof o.apiVersion === 'string' && typeof o.kind === 'string') seen.set(`${o.apiVersion}/${o.kind}`, { apiVersion: o.apiVersion, kind: o.kind });
  }
  return [...seen.values()];
}

function factsOf(resource: RenderedResource): RenderFacts {
  if (!resource.ok) return NO_FACTS;
  let facts = renderFacts.get(resource);
  if (facts === undefined) {
    const named = resource.manifests.map((m) => (m.metadata as { namespace?: unknown } | undefined)?.namespace);
    const crds = resource.manifests.filter(isCrdManifest);
    const kinds = distinctKinds(resource.manifests);
    facts = { kinds, kindKeys: kinds.map((k) => `${k.apiVersion}/${k.kind}`), namespaces: [...new Set(named.filter((ns): ns is string => typeof ns === 'string'))], crds };
    if (crds.length === 0) facts = sharedOf(facts);
    renderFacts.set(resource, facts);
  }
  return facts;
}

/** The shared facts equal to `facts` (which render no CRD), made from it when there are none yet. */
function sharedOf(facts: RenderFacts): RenderFacts {
  const key = JSON.stringify([facts.kindKeys, facts.namespaces]);
  const shared = sharedFacts.get(key);
  if (shared !== undefined) return shared;
  if (sharedFacts.size >= MAX_SHARED_FACTS) sharedFacts.clear();
  sharedFacts.set(key, facts);
  return facts;
}

function isCrdManifest(m: Manifest): boolean {
  return typeof m.apiVersion === 'string' && m.kind === 'CustomResourceDefinition' && isFoundation({ apiVersion: m.apiVersion, kind: 'CustomResourceDefinition' });
}
