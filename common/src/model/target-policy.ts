// What a kubernetes target's operator lets an environment apply: its objects stay in its own namespace unless the
// policy names more, cluster-scoped kinds only when listed, denied kinds never. Pure, so `cascade validate --config`
// and the deployer decide alike; the policy lives in the deployer's config, never in the repo.
import { matchesPattern, namespaceAllowed } from './name-patterns.ts';

/** What `targets.<name>.environments.<env>` adds for one environment. */
export interface EnvironmentPolicy {
  /** More namespaces the environment's objects may name, as patterns like `allowedNamespaces`. */
  namespaces?: readonly string[] | undefined;
  /** More cluster-scoped kinds the environment may apply (`Kind` or `group/Kind`). */
  clusterKinds?: readonly string[] | undefined;
  /** ServiceAccount in the environment's namespace the deployer impersonates for the environment's objects. */
  serviceAccount?: string | undefined;
}

/** The policy keys of a kubernetes target in the deployer's config. */
export interface TargetPolicy {
  /** Namespaces environments may bind to; absent: all but `default` and `kube-*` (see namespaceAllowed). */
  allowedNamespaces?: readonly string[] | undefined;
  /** Cluster-scoped kinds every environment may apply; absent: none but the environment's own Namespace. */
  clusterKinds?: readonly string[] | undefined;
  /** Kinds never applied, namespaced or not. */
  deniedKinds?: readonly string[] | undefined;
  /** Environments that may bind to the target, as name patterns; absent: all. */
  allowedEnvironments?: readonly string[] | undefined;
  /** Per environment widening, by environment name. */
  environments?: Readonly<Record<string, EnvironmentPolicy>> | undefined;
}

/** One object as the policy sees it. */
export interface PolicyObject {
  /** API group, `` for the core group. */
  group: string;
  kind: string;
  name: string;
  /** The namespace a namespaced object lands in (its own, else the environment's); absent for cluster-scoped ones. */
  namespace?: string | undefined;
}

/** Whether a kind is namespaced or cluster-scoped; undefined when nobody can tell (a custom kind offline). */
export type PolicyScope = 'Namespaced' | 'Cluster' | undefined;

/** Why the policy refuses an object: a stable code, and a message naming the object and the config key to change. */
export interface PolicyViolation {
  code: 'kind-denied' | 'cluster-kind-not-allowed' | 'namespace-not-allowed';
  message: string;
}

/** Whose objects are judged: the target's name and policy, the environment and its own namespace. */
export interface PolicySubject {
  target: string;
  policy: TargetPolicy;
  env: string;
  /** The binding's namespace, else `default`. */
  home: string;
}

/** The widening the policy grants one environment; none when it names the environment nowhere. */
export function environmentPolicy(policy: TargetPolicy, env: string): EnvironmentPolicy {
  // Own properties only: an environment called `constructor` must not find Object's.
  return policy.environments !== undefined && Object.hasOwn(policy.environments, env) ? policy.environments[env]! : {};
}

/** True when the environment may bind to a target with this policy. */
export function environmentAllowed(policy: TargetPolicy, env: string): boolean {
  return policy.allowedEnvironments === undefined || policy.allowedEnvironments.some((entry) => matchesPattern(entry, env));
}

/** True when a `clusterKinds`/`deniedKinds` entry names the kind: `Kind` in any group, `group/Kind` in that group only. */
function kindEntryMatches(entry: string, group: string, kind: string): boolean {
  return entry.includes('/') ? entry === `${group}/${kind}` : entry === kind;
}

/** Whether the policy lets the environment apply the object; undefined when it may. */
export function checkObjectPolicy(subject: PolicySubject, object: PolicyObject, scope: PolicyScope): PolicyViolation | undefined {
  const { target, policy, env, home } = subject;
  const what = describeObject(object);
  const own = environmentPolicy(policy, env);
  const key = `targets.${target}`;
  if ((policy.deniedKinds ?? []).some((entry) => kindEntryMatches(entry, object.group, object.kind))) {
    return { code: 'kind-denied', message: `${what}: target ${target} never applies kind ${object.kind} (${key}.deniedKinds of the deployer's config)` };
  }
  const extra = (ns: string) => namespaceAllowed(ns, own.namespaces ?? []);
  const mayUse = own.namespaces === undefined || own.namespaces.length === 0 ? `namespace ${home}` : `namespaces ${[home, ...own.namespaces].join(', ')}`;
  if (scope === 'Namespaced') {
    const namespace = object.namespace ?? home;
    if (namespace === home || extra(namespace)) return undefined;
    return { code: 'namespace-not-allowed', message: `${what}: environment ${env} may only use ${mayUse} on target ${target}; list ${namespace} in ${key}.environments.${env}.namespaces of the deployer's config to allow it` };
  }
  if (scope === undefined) return undefined;
  const isNamespace = object.group === '' && object.kind === 'Namespace';
  // Cascade creates the environment's own namespace anyway, so declaring it in the repo grants nothing.
  if (isNamespace && object.name === home) return undefined;
  const listed = [...(policy.clusterKinds ?? []), ...(own.clusterKinds ?? [])].some((entry) => kindEntryMatches(entry, object.group, object.kind));
  if (!listed) {
    const kind = object.group === '' ? object.kind : `${object.group}/${object.kind}`;
    const namespaceHint = isNamespace ? `, and the name in ${key}.environments.${env}.namespaces` : '';
    return { code: 'cluster-kind-not-allowed', message: `${what} is cluster-scoped, and target ${target} lets environment ${env} apply no ${object.kind}${isNamespace ? ' but its own' : ''}; list ${kind} in ${key}.clusterKinds or ${key}.environments.${env}.clusterKinds of the deployer's config${namespaceHint} to allow it` };
  }
  if (isNamespace && !extra(object.name)) {
    return { code: 'namespace-not-allowed', message: `${what}: environment ${env} may only use ${mayUse} on target ${target}; list ${object.name} in ${key}.environments.${env}.namespaces of the deployer's config to allow it` };
  }
  return undefined;
}

/** An object as people read it in errors: `ConfigMap shop-prod/settings`, `ClusterRole admin`. */
function describeObject(object: PolicyObject): string {
  return object.namespace === undefined ? `${object.kind} ${object.name}` : `${object.kind} ${object.namespace}/${object.name}`;
}
