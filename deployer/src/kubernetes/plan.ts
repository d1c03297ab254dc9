// planApply: decides from the rendered resources and the live objects what to apply, skip and prune. No I/O.
import type { Manifest, RenderedResource, ResourceError } from '@cascade/common';
import { findDrift } from './drift.ts';
import {
  CONTENT_HASH_ANNOTATION, ENV_LABEL, INSTALLATION_LABEL, RESOURCE_ANNOTATION, RESOURCE_LABEL, asRecord, encodeResourceLabel, markObject, readAnnotation, readLabel,
} from './labels.ts';
import type { ObjectRef, Scope, ScopeLookup } from './object-key.ts';
import { byObjectKey, describeRef, isFoundation, kindRank, objectKey, refOf, scopeFromCrd } from './object-key.ts';

/** Everything planApply decides from. */
export interface PlanInput {
  /** This installation's id, written on every object and required on every object pruned. */
  installation: string;
  env: string;
  /** Namespace for namespaced objects that name none; `default` when the binding names none either. */
  namespace?: string;
  commit: string;
  prune: boolean;
  selfHeal: boolean;
  rendered: RenderedResource[];
  /** Live objects: those carrying this installation's labels for the environment. */
  live: Manifest[];
  scopeOf: ScopeLookup;
}

/** Why an object is applied. */
export type ApplyReason = 'create' | 'change' | 'drift';

/** One object to apply. `foundation` objects (Namespaces, CRDs) go first, then the CRDs must be established. */
export interface ApplyAction {
  stage: 'foundation' | 'objects';
  resource: string;
  ref: ObjectRef;
  /** The object with Cascade's labels and annotations, ready for server-side apply. */
  object: Manifest;
  contentHash: string;
  reason: ApplyReason;
  /** Paths changed by hand, when reason is `drift`. */
  drift?: string[];
}

/** One live object Cascade applied for the environment that the repo no longer has. */
export interface PruneAction {
  resource: string;
  ref: ObjectRef;
}

/** An error that kept one object or resource out of the plan. */
export interface PlanError extends ResourceError {
  resource: string;
}

/** The outcome of planApply, each list in the order it must be carried out. */
export interface ApplyPlan {
  apply: ApplyAction[];
  /** Objects whose live content hash matches: nothing to do. */
  unchanged: Array<{ resource: string; ref: ObjectRef }>;
  prune: PruneAction[];
  errors: PlanError[];
}

/** Decides what to apply, in which order, and what to prune; errors stay per resource and never stop the others. */
export function planApply(input: PlanInput): ApplyPlan {
  const plan: ApplyPlan = { apply: [], unchanged: [], prune: [], errors: [] };
  const liveByKey = byObjectKey(input.live);
  const crds = input.rendered.flatMap((r) => (r.ok ? r.manifests.filter((m) => isCrdManifest(m)) : []));
  const scopeOf = (apiVersion: string, kind: string): Scope | undefined =>
    input.scopeOf(apiVersion, kind) ?? crds.map((crd) => scopeFromCrd(crd, apiVersion, kind)).find((s) => s !== undefined);
  const claimed = new Map<string, string>();
  const blocked = new Set<string>();

  for (const resource of input.rendered) {
    if (!resource.ok) {
      blocked.add(resource.name);
      for (const p of resource.problems.filter((p) => p.severity === 'error')) {
        plan.errors.push({ resource: resource.name, code: p.code, file: p.file, message: p.message });
      }
      continue;
    }
    const file = resource.sourceFiles.join(',');
    for (const manifest of resource.manifests) {
      const placed = placeObject(manifest, input.namespace ?? 'default', scopeOf);
      if ('error' in placed) {
        blocked.add(resource.name);
        plan.errors.push({ resource: resource.name, file, ...placed.error });
        continue;
      }
      const key = objectKey(placed.ref);
      const owner = claimed.get(key);
      if (owner !== undefined) {
        blocked.add(resource.name);
        plan.errors.push({ resource: resource.name, file, code: 'duplicate-object', object: describeRef(placed.ref), message: `${describeRef(placed.ref)} is already defined by resource ${owner}` });
        continue;
      }
      claimed.set(key, resource.name);
      const origin = { installation: input.installation, env: input.env, resource: resource.name, version: resource.version, sourceFiles: resource.sourceFiles, commit: input.commit };
      const { object, contentHash, hashed } = markObject(placed.object, origin);
      const live = liveByKey.get(key);
      const stage = stageOf(placed.ref);
      if (live === undefined) {
        plan.apply.push({ stage, resource: resource.name, ref: placed.ref, object, contentHash, reason: 'create' });
      } else if (readAnnotation(live, CONTENT_HASH_ANNOTATION) !== contentHash) {
        plan.apply.push({ stage, resource: resource.name, ref: placed.ref, object, contentHash, reason: 'change' });
      } else {
        const drift = input.selfHeal ? findDrift(hashed, live) : [];
        if (drift.length > 0) plan.apply.push({ stage, resource: resource.name, ref: placed.ref, object, contentHash, reason: 'drift', drift });
        else plan.unchanged.push({ resource: resource.name, ref: placed.ref });
      }
    }
  }
  plan.apply.sort((a, b) => stageRank(a.stage) - stageRank(b.stage) || kindRank(a.ref.kind) - kindRank(b.ref.kind));
  if (input.prune) plan.prune = planPrune(input, liveByKey, claimed, blocked);
  return plan;
}

/** Live objects of this environment that no rendered object claims, skipping resources that failed to render. */
function planPrune(input: PlanInput, liveByKey: Map<string, Manifest>, claimed: Map<string, string>, blocked: Set<string>): PruneAction[] {
  const blockedLabels = new Set([...blocked].map((name) => encodeResourceLabel(name)));
  const prune: PruneAction[] = [];
  for (const [key, live] of liveByKey) {
    const label = readLabel(live, RESOURCE_LABEL);
    // Only objects carrying Cascade's labels for this installation and environment are ever deleted: another
    // installation on the same cluster may well have an environment of the same name.
    if (readLabel(live, INSTALLATION_LABEL) !== input.installation || readLabel(live, ENV_LABEL) !== input.env || label === undefined || claimed.has(key)) continue;
    // A resource that failed to render keeps its live objects: a typo in a base must not delete production.
    if (blockedLabels.has(label)) continue;
    const ref = refOf(live);
    if (ref !== undefined) prune.push({ resource: readAnnotation(live, RESOURCE_ANNOTATION) ?? label, ref });
  }
  // Reverse apply order: what uses a namespace or CRD goes before it.
  return prune.sort((a, b) => stageRank(stageOf(b.ref)) - stageRank(stageOf(a.ref)) || kindRank(b.ref.kind) - kindRank(a.ref.kind));
}

type Placed = { ref: ObjectRef; object: Manifest } | { error: { code: string; message: string; object?: string } };

/** Checks a rendered object's identity and gives namespaced objects the environment's namespace when they name none. */
function placeObject(manifest: Manifest, namespace: string, scopeOf: ScopeLookup): Placed {
  const ref = refOf(manifest);
  if (ref === undefined) return { error: { code: 'invalid-manifest', message: 'a manifest needs apiVersion, kind and metadata.name' } };
  const scope = scopeOf(ref.apiVersion, ref.kind);
  if (scope === undefined) {
    return { error: { code: 'unknown-kind', object: describeRef(ref), message: `the cluster does not know kind ${ref.kind} in ${ref.apiVersion}, and no CustomResourceDefinition in the environment defines it` } };
  }
  const metadata = asRecord(manifest.metadata);
  if (scope === 'Cluster') {
    const { namespace: _ignored, ...rest } = metadata;
    const { namespace: _alsoIgnored, ...clusterRef } = ref;
    return { ref: clusterRef, object: { ...manifest, metadata: rest } };
  }
  const ns = ref.namespace ?? namespace;
  return { ref: { ...ref, namespace: ns }, object: { ...manifest, metadata: { ...metadata, namespace: ns } } };
}

function isCrdManifest(m: Manifest): boolean {
  return typeof m.apiVersion === 'string' && m.kind === 'CustomResourceDefinition' && isFoundation({ apiVersion: m.apiVersion, kind: 'CustomResourceDefinition' });
}

function stageOf(ref: ObjectRef): 'foundation' | 'objects' {
  return isFoundation(ref) ? 'foundation' : 'objects';
}

function stageRank(stage: 'foundation' | 'objects'): number {
  return stage === 'foundation' ? 0 : 1;
}
