// How Cascade names one Kubernetes object: by API group, kind, namespace and name, never by API version,
// since the same object can be read back under another version of its group.
import type { Manifest } from '@cascade/common';
import { ValueInterner } from '@cascade/common';
import { asRecord } from './labels.ts';

/** Whether a kind lives in a namespace or in the whole cluster, as discovery reports it. */
export type Scope = 'Namespaced' | 'Cluster';

/** Tells the scope of a kind, or undefined when the API server does not know it (yet). */
export type ScopeLookup = (apiVersion: string, kind: string) => Scope | undefined;

/** The identity of one object. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  /** Absent for cluster-scoped objects. */
  namespace?: string;
}

/** The API group of an apiVersion: `apps/v1` → `apps`, `v1` → `` (core). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

// Refs are kept across passes (plan memo, decoded inventory), and a pass looks up every object several times: the
// same key string each time saves building it and hashing it again in every map it is looked up in.
const keys = new WeakMap<ObjectRef, string>();

/**
 * One string per object key however many refs name the object (the live object's, the render's, the inventory's, a
 * status's): at 10,000 resources × 4 environments the copies were tens of megabytes. Two generations of this size,
 * so sharing is best-effort beyond it and the table stays bounded.
 */
const sharedKeys = new ValueInterner(100_000, 1024);

/** A string key identifying an object regardless of API version. Refs are treated as immutable. */
export function objectKey(ref: ObjectRef): string {
  let key = keys.get(ref);
  if (key === undefined) keys.set(ref, (key = keyOfParts(ref.apiVersion, ref.kind, ref.namespace, ref.name)));
  return key;
}

/**
 * objectKey of an object named by its parts, for a lookup that has no ref to keep: a relist looks up every object it
 * reads, and remembering a ref made for one lookup each (a weak map entry) cost more than building the key.
 */
export function keyOfParts(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
  return sharedKeys.internInPlace(`${apiGroup(apiVersion)}/${kind}/${namespace ?? ''}/${name}`);
}

/** The identity of a manifest, or undefined when apiVersion, kind or metadata.name is missing. */
export function refOf(object: Manifest): ObjectRef | undefined {
  const metadata = asRecord(object.metadata);
  const { apiVersion, kind } = object;
  const { name, namespace } = metadata;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof name !== 'string') return undefined;
  if (apiVersion === '' || kind === '' || name === '') return undefined;
  return typeof namespace === 'string' && namespace !== '' ? { apiVersion, kind, name, namespace } : { apiVersion, kind, name };
}

/** Indexes objects by `objectKey`, skipping those without a full identity. */
export function byObjectKey(objects: Manifest[]): Map<string, Manifest> {
  const index = new Map<string, Manifest>();
  for (const object of objects) {
    const ref = refOf(object);
    if (ref !== undefined) index.set(objectKey(ref), object);
  }
  return index;
}

/** Formats an object as people read it in errors: `Deployment dev/cart`, `Namespace dev`. */
export function describeRef(ref: ObjectRef): string {
  return ref.namespace === undefined ? `${ref.kind} ${ref.name}` : `${ref.kind} ${ref.namespace}/${ref.name}`;
}

/** True for the kinds that must exist before anything else is applied. */
export function isFoundation(ref: { apiVersion: string; kind: string }): boolean {
  return (ref.kind === 'Namespace' && ref.apiVersion === 'v1') || (ref.kind === 'CustomResourceDefinition' && apiGroup(ref.apiVersion) === 'apiextensions.k8s.io');
}

// Kinds others depend on come first, the way Helm orders an install; unknown kinds (custom resources) go last.
const KIND_ORDER = [
  'Namespace', 'CustomResourceDefinition', 'PriorityClass', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget',
  'ServiceAccount', 'Secret', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim',
  'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Service', 'DaemonSet', 'Pod', 'ReplicationController',
  'ReplicaSet', 'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress',
  'APIService', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
];

/** Position of a kind in the apply order; prune uses the reverse. */
export function kindRank(kind: string): number {
  const index = KIND_ORDER.indexOf(kind);
  return index === -1 ? KIND_ORDER.length : index;
}

/** The scope a CustomResourceDefinition declares for its kind, when `crd` defines `apiVersion`/`kind`. */
export function scopeFromCrd(crd: Manifest, apiVersion: string, kind: string): Scope | undefined {
  const spec = asRecord(crd.spec);
  const names = asRecord(spec.names);
  if (spec.group !== apiGroup(apiVersion) || names.kind !== kind) return undefined;
  const version = apiVersion.slice(apiVersion.indexOf('/') + 1);
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  if (!versions.some((v) => asRecord(v).name === version)) return undefined;
  return spec.scope === 'Cluster' ? 'Cluster' : spec.scope === 'Namespaced' ? 'Namespaced' : undefined;
}
