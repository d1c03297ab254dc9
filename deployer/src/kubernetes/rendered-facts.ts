// What every pass reads off an environment's rendered resources and its inventory: the kinds rendered, the namespaces
// named, the CustomResourceDefinitions. Kept per render and per inventory object (the render cache hands out the same object while a resource's files
// are unchanged, and the inventory store the same map while its text is), so a pass over thousands of unchanged
// resources costs a lookup each rather than a walk over every object. No I/O.
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
const NO_FACTS: RenderFacts = { kinds: [], kindKeys: [], namespaces: [], crds: [] };

/** The distinct apiVersion/kind pairs the resources render. */
export function renderedKindsOf(rendered: readonly RenderedResource[]): KindToList[] {
  const seen = new Map<string, KindToList>();
  for (const resource of rendered) {
    const { kinds, kindKeys } = factsOf(resource);
    for (let i = 0; i < kinds.length; i++) if (!seen.has(kindKeys[i]!)) seen.set(kindKeys[i]!, kinds[i]!);
  }
  return [...seen.values()];
}

/** The distinct namespaces the resources' objects name in their metadata. */
export function namedNamespacesOf(rendered: readonly RenderedResource[]): string[] {
  const seen = new Set<string>();
  for (const resource of rendered) for (const namespace of factsOf(resource).namespaces) seen.add(namespace);
  return [...seen];
}

/** The CustomResourceDefinitions the resources render. */
export function renderedCrdsOf(rendered: readonly RenderedResource[]): Manifest[] {
  const crds: Manifest[] = [];
  for (const resource of rendered) {
    const own = factsOf(resource).crds;
    if (own.length > 0) crds.push(...own);
  }
  return crds;
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
    renderFacts.set(resource, facts);
  }
  return facts;
}

function isCrdManifest(m: Manifest): boolean {
  return typeof m.apiVersion === 'string' && m.kind === 'CustomResourceDefinition' && isFoundation({ apiVersion: m.apiVersion, kind: 'CustomResourceDefinition' });
}
