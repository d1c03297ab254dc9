// A staging as the deployer deploys it: its kind's template environment with the staging's tag and overrides, bound
// to the kind's target and namespace. Pure: the same snapshot always derives the same stagings.
import { noLocks } from '../locks.ts';
import type { Problem } from '../problem.ts';
import type { DeployerBinding, Environment, Resource, Snapshot, Staging, StagingKind, YamlValue } from '../types.ts';
import { stagingNamespace } from './names.ts';

/** A staging ready to deploy: the environment it renders as and where it goes. */
export interface StagingDeployment {
  staging: Staging;
  kind: StagingKind;
  /** The template's resources with the staging's version data, named as the staging. */
  environment: Environment;
  /** The kind's target; the namespace from the kind's pattern. Stagings always prune: their namespace is theirs alone. */
  binding: DeployerBinding;
  /** `https://{name}.{baseDomain}` when the kind has a base domain. */
  links: string[];
  /** What the staging asks that the template does not have (a `versions` entry for a resource the template lacks). */
  warnings: Problem[];
}

/** A staging that cannot be deployed as it is: held (nothing created, archived or removed), with why. */
export interface HeldStaging {
  staging: Staging;
  kind?: StagingKind;
  problems: Problem[];
}

/** Every staging of a snapshot, each either ready to deploy or held with its problems; one never affects another. */
export interface DerivedStagings {
  deployments: Map<string, StagingDeployment>;
  held: Map<string, HeldStaging>;
}

/**
 * Remembers derived stagings by their inputs (the staging's blob, the template environment object, the kind and the
 * bindings), so an unchanged staging keeps the same environment object from commit to commit and a pass can skip it.
 */
export type StagingMemo = Map<string, { key: unknown[]; deployment: StagingDeployment }>;

/** Derives every staging of the snapshot. */
export function deriveStagings(snapshot: Snapshot, memo: StagingMemo = new Map()): DerivedStagings {
  const deployments = new Map<string, StagingDeployment>();
  const held = new Map<string, HeldStaging>();
  const envNamespaces = new Map<string, string>();
  for (const binding of snapshot.deployers.values()) if (binding.namespace !== undefined) envNamespaces.set(binding.namespace, binding.env);
  const namespaces = new Map<string, string[]>();
  for (const staging of snapshot.stagings.values()) {
    const derived = deriveOne(snapshot, staging, envNamespaces, memo);
    if ('problems' in derived) held.set(staging.name, derived);
    else {
      deployments.set(staging.name, derived);
      const namespace = derived.binding.namespace;
      if (namespace !== undefined) namespaces.set(namespace, [...(namespaces.get(namespace) ?? []), staging.name]);
    }
  }
  // Two stagings of different kinds may land in one namespace; neither may prune the other's objects.
  for (const [namespace, names] of namespaces) {
    if (names.length < 2) continue;
    for (const name of names) {
      const { staging, kind } = deployments.get(name)!;
      deployments.delete(name);
      const others = names.filter((n) => n !== name).join(', ');
      held.set(name, { staging, kind, problems: [problem(staging, 'staging-namespace-taken', `namespace "${namespace}" is also the namespace of staging ${others}; give the kinds different namespace patterns`)] });
    }
  }
  for (const name of memo.keys()) if (!deployments.has(name)) memo.delete(name);
  return { deployments, held };
}

function deriveOne(snapshot: Snapshot, staging: Staging, envNamespaces: Map<string, string>, memo: StagingMemo): StagingDeployment | HeldStaging {
  if (staging.problems !== undefined && staging.problems.length > 0) return { staging, problems: staging.problems };
  const kind = snapshot.stagingKinds.get(staging.kind);
  if (kind === undefined) {
    const known = [...snapshot.stagingKinds.keys()];
    return { staging, problems: [problem(staging, 'staging-unknown-kind', `kind "${staging.kind}" is not defined in stagings.yaml${known.length > 0 ? ` (kinds: ${known.join(', ')})` : ''}`)] };
  }
  const template = snapshot.environments.get(kind.template);
  if (template === undefined) return { staging, kind, problems: [problem(staging, 'staging-unknown-template', `kind ${kind.name} copies environment "${kind.template}", which the repo does not have`)] };
  if (snapshot.environments.has(staging.name) || snapshot.deployers.has(staging.name)) {
    return { staging, kind, problems: [problem(staging, 'staging-name-taken', `"${staging.name}" is the name of an environment; name the staging differently`)] };
  }
  let namespace: string | undefined;
  if (kind.namespace !== undefined) {
    const resolved = stagingNamespace(kind.namespace, staging.name);
    if ('problem' in resolved) return { staging, kind, problems: [problem(staging, 'staging-bad-namespace', resolved.problem)] };
    const owner = envNamespaces.get(resolved.namespace);
    if (owner !== undefined) return { staging, kind, problems: [problem(staging, 'staging-namespace-taken', `namespace "${resolved.namespace}" is environment ${owner}'s; no staging may deploy into it`)] };
    namespace = resolved.namespace;
  }
  const templateBinding = snapshot.deployers.get(kind.template);
  const binding: DeployerBinding = {
    env: staging.name,
    target: kind.target,
    ...(namespace === undefined ? {} : { namespace }),
    prune: true,
    selfHeal: templateBinding?.selfHeal ?? false,
    // An archived staging may render nothing at all (a template of Deployments only): removing everything is the point.
    allowEmpty: staging.state !== 'active',
  };
  const key = [staging.blob, template, JSON.stringify(kind), JSON.stringify(binding)];
  const hit = memo.get(staging.name);
  if (hit !== undefined && hit.key.every((part, i) => part === key[i])) return hit.deployment;
  const resources = new Map<string, Resource>();
  for (const resource of template.resources.values()) resources.set(resource.name, stagingResource(staging, resource));
  const warnings = Object.keys(staging.versions)
    .filter((name) => !template.resources.has(name))
    .map((name) => ({ ...problem(staging, 'staging-unknown-resource', `versions.${name}: the template environment ${kind.template} has no resource ${name}; the entry does nothing`), severity: 'warning' as const }));
  const environment: Environment = { name: staging.name, resources, locks: noLocks(), ...(template.pruneHold ? { pruneHold: template.pruneHold } : {}) };
  const links = kind.baseDomain === undefined ? [] : [`https://${staging.name}.${kind.baseDomain}`];
  const deployment: StagingDeployment = { staging, kind, environment, binding, links, warnings };
  memo.set(staging.name, { key, deployment });
  return deployment;
}

/**
 * One template resource as the staging renders it. Version data, lowest first: the template's version file, the
 * deployment overrides, the tag as `version`, the staging's own fields for this resource.
 */
export function stagingResource(staging: Staging, resource: Resource): Resource {
  const base = { ...resource, env: staging.name, blobs: [...resource.blobs, staging.blob] };
  if (resource.source.kind !== 'template' || resource.version === undefined) return base;
  const overlay: { [key: string]: YamlValue } = { ...staging.deployment, version: staging.tag, ...(staging.versions[resource.name] ?? {}) };
  const version = overlay['version'];
  if (typeof version !== 'string' || version.trim() === '') {
    const bad: Problem = { file: staging.file, severity: 'error', code: 'staging-bad-field', message: `versions.${resource.name}.version must be a non-empty string`, env: staging.name, resource: resource.name, staging: staging.name };
    return { ...base, problems: [...(resource.problems ?? []), bad] };
  }
  return { ...base, version: { ...resource.version, version, fields: { ...resource.version.fields, ...overlay } }, overlay };
}

function problem(staging: Staging, code: string, message: string): Problem {
  return { file: staging.file, severity: 'error', code, message, staging: staging.name };
}
