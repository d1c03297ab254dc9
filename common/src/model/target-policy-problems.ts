// The target policy applied offline to every rendered object, for `cascade validate --config`: the same decision as
// the deployer's, with scopes from Kubernetes' built-in kinds and the environment's own CRDs instead of discovery.
import { builtInScope } from './kube-kinds.ts';
import { namespaceAllowed } from './name-patterns.ts';
import type { Problem } from './problem.ts';
import { renderEnvironment } from './render.ts';
import type { ParseCache, SnapshotWithFiles } from './snapshot.ts';
import type { TargetSummary } from './deployer-targets.ts';
import { checkObjectPolicy, environmentAllowed, type PolicyScope } from './target-policy.ts';
import type { Manifest, YamlValue } from './types.ts';

/** One problem per rendered object a kubernetes target's policy refuses; bindings deployers.yaml gets wrong are checkDeployerTargets' to report. */
export function checkTargetPolicies(snapshot: SnapshotWithFiles, targets: Readonly<Record<string, TargetSummary>>, cache: ParseCache = new Map()): Problem[] {
  const problems: Problem[] = [];
  for (const binding of snapshot.deployers.values()) {
    const target = Object.hasOwn(targets, binding.target) ? targets[binding.target] : undefined;
    const home = binding.namespace ?? 'default';
    // A binding the target refuses deploys nothing, so its objects have nothing more to tell.
    if (target?.type !== 'kubernetes' || !environmentAllowed(target, binding.env) || !namespaceAllowed(home, target.allowedNamespaces)) continue;
    const rendered = renderEnvironment(snapshot, binding.env, cache);
    const crds = rendered.flatMap((r) => (r.ok ? r.manifests.filter((m) => m.kind === 'CustomResourceDefinition') : []));
    const subject = { target: binding.target, policy: target, env: binding.env, home };
    for (const resource of rendered) {
      if (!resource.ok) continue;
      for (const manifest of resource.manifests) {
        const object = identify(manifest);
        if (object === undefined) continue;
        const scope = builtInScope(object.group, object.kind) ?? crdScope(crds, object.group, object.kind);
        const violation = checkObjectPolicy(subject, { ...object, namespace: scope === 'Namespaced' ? (object.namespace ?? home) : undefined }, scope);
        if (violation === undefined) continue;
        problems.push({ file: resource.sourceFiles[0] ?? `${binding.env}/`, severity: 'error', code: violation.code, message: violation.message, env: binding.env, resource: resource.name });
      }
    }
  }
  return problems;
}

/** Group, kind, name and namespace of a manifest, or undefined when it lacks them (rendering reports that). */
function identify(manifest: Manifest): { group: string; kind: string; name: string; namespace?: string } | undefined {
  const metadata = record(manifest.metadata);
  const { apiVersion, kind } = manifest;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof metadata.name !== 'string') return undefined;
  const slash = apiVersion.indexOf('/');
  const group = slash === -1 ? '' : apiVersion.slice(0, slash);
  return typeof metadata.namespace === 'string' && metadata.namespace !== '' ? { group, kind, name: metadata.name, namespace: metadata.namespace } : { group, kind, name: metadata.name };
}

/** The scope a CustomResourceDefinition of the environment declares for a kind; undefined when none defines it. */
function crdScope(crds: Manifest[], group: string, kind: string): PolicyScope {
  for (const crd of crds) {
    const spec = record(crd.spec);
    if (spec.group === group && record(spec.names).kind === kind && (spec.scope === 'Namespaced' || spec.scope === 'Cluster')) return spec.scope;
  }
  return undefined;
}

function record(value: YamlValue | undefined): Record<string, YamlValue> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}
