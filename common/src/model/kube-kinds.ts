// Kubernetes' built-in kinds and their scope, for judging objects where no cluster answers (`cascade validate`)
// and for catching misspelt kinds in the deployer's config.

/** Whether objects of a kind live in a namespace or in the whole cluster. */
export type KindScope = 'Namespaced' | 'Cluster';

// [API group ('' is core), kind, scope]; the kinds people write in manifests, not the review and status kinds.
const BUILT_IN: ReadonlyArray<readonly [string, string, KindScope]> = [
  ['', 'Namespace', 'Cluster'], ['', 'Node', 'Cluster'], ['', 'PersistentVolume', 'Cluster'], ['', 'ComponentStatus', 'Cluster'],
  ['rbac.authorization.k8s.io', 'ClusterRole', 'Cluster'], ['rbac.authorization.k8s.io', 'ClusterRoleBinding', 'Cluster'],
  ['apiextensions.k8s.io', 'CustomResourceDefinition', 'Cluster'],
  ['storage.k8s.io', 'StorageClass', 'Cluster'], ['storage.k8s.io', 'CSIDriver', 'Cluster'], ['storage.k8s.io', 'CSINode', 'Cluster'],
  ['storage.k8s.io', 'VolumeAttachment', 'Cluster'], ['storage.k8s.io', 'VolumeAttributesClass', 'Cluster'],
  ['scheduling.k8s.io', 'PriorityClass', 'Cluster'], ['node.k8s.io', 'RuntimeClass', 'Cluster'],
  ['networking.k8s.io', 'IngressClass', 'Cluster'], ['networking.k8s.io', 'IPAddress', 'Cluster'], ['networking.k8s.io', 'ServiceCIDR', 'Cluster'],
  ['admissionregistration.k8s.io', 'ValidatingWebhookConfiguration', 'Cluster'], ['admissionregistration.k8s.io', 'MutatingWebhookConfiguration', 'Cluster'],
  ['admissionregistration.k8s.io', 'ValidatingAdmissionPolicy', 'Cluster'], ['admissionregistration.k8s.io', 'ValidatingAdmissionPolicyBinding', 'Cluster'],
  ['admissionregistration.k8s.io', 'MutatingAdmissionPolicy', 'Cluster'], ['admissionregistration.k8s.io', 'MutatingAdmissionPolicyBinding', 'Cluster'],
  ['apiregistration.k8s.io', 'APIService', 'Cluster'],
  ['certificates.k8s.io', 'CertificateSigningRequest', 'Cluster'], ['certificates.k8s.io', 'ClusterTrustBundle', 'Cluster'],
  ['flowcontrol.apiserver.k8s.io', 'FlowSchema', 'Cluster'], ['flowcontrol.apiserver.k8s.io', 'PriorityLevelConfiguration', 'Cluster'],
  ['resource.k8s.io', 'DeviceClass', 'Cluster'],
  ['', 'ConfigMap', 'Namespaced'], ['', 'Secret', 'Namespaced'], ['', 'Service', 'Namespaced'], ['', 'ServiceAccount', 'Namespaced'],
  ['', 'Pod', 'Namespaced'], ['', 'PodTemplate', 'Namespaced'], ['', 'PersistentVolumeClaim', 'Namespaced'], ['', 'Endpoints', 'Namespaced'],
  ['', 'Event', 'Namespaced'], ['', 'LimitRange', 'Namespaced'], ['', 'ResourceQuota', 'Namespaced'], ['', 'ReplicationController', 'Namespaced'],
  ['apps', 'Deployment', 'Namespaced'], ['apps', 'StatefulSet', 'Namespaced'], ['apps', 'DaemonSet', 'Namespaced'],
  ['apps', 'ReplicaSet', 'Namespaced'], ['apps', 'ControllerRevision', 'Namespaced'],
  ['batch', 'Job', 'Namespaced'], ['batch', 'CronJob', 'Namespaced'],
  ['rbac.authorization.k8s.io', 'Role', 'Namespaced'], ['rbac.authorization.k8s.io', 'RoleBinding', 'Namespaced'],
  ['networking.k8s.io', 'Ingress', 'Namespaced'], ['networking.k8s.io', 'NetworkPolicy', 'Namespaced'],
  ['autoscaling', 'HorizontalPodAutoscaler', 'Namespaced'], ['policy', 'PodDisruptionBudget', 'Namespaced'],
  ['coordination.k8s.io', 'Lease', 'Namespaced'], ['discovery.k8s.io', 'EndpointSlice', 'Namespaced'], ['events.k8s.io', 'Event', 'Namespaced'],
  ['storage.k8s.io', 'CSIStorageCapacity', 'Namespaced'], ['resource.k8s.io', 'ResourceClaim', 'Namespaced'], ['resource.k8s.io', 'ResourceClaimTemplate', 'Namespaced'],
];

const SCOPES = new Map(BUILT_IN.map(([group, kind, scope]) => [`${group}/${kind}`, scope]));
/** Built-in kind names by their lower-case spelling, to suggest the right one for a misspelt entry. */
const BY_LOWER = new Map(BUILT_IN.map(([, kind]) => [kind.toLowerCase(), kind]));
const SCOPES_BY_KIND = new Map<string, Set<KindScope>>();
for (const [, kind, scope] of BUILT_IN) SCOPES_BY_KIND.set(kind, (SCOPES_BY_KIND.get(kind) ?? new Set()).add(scope));

/** The scope of a built-in kind of an API group, or undefined for kinds Kubernetes does not ship (custom resources). */
export function builtInScope(group: string, kind: string): KindScope | undefined {
  return SCOPES.get(`${group}/${kind}`);
}

// `Kind`, or `group/Kind` with the group a DNS name; kinds are singular and CamelCase.
const KIND_ENTRY = /^(?:([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)\/)?([A-Z][A-Za-z0-9]*)$/;

/** Why an entry of `clusterKinds` or `deniedKinds` is not a kind, or undefined when it is one. */
export function checkKindEntry(entry: string, list: 'clusterKinds' | 'deniedKinds'): string | undefined {
  const match = KIND_ENTRY.exec(entry);
  const kind = match?.[5] ?? entry.slice(entry.lastIndexOf('/') + 1);
  // Kinds are what manifests write in `kind:`, not the plural resource names kubectl and RBAC rules use.
  const lower = kind.toLowerCase();
  const meant = [lower, lower.replace(/s$/, ''), lower.replace(/es$/, ''), lower.replace(/ies$/, 'y')].map((k) => BY_LOWER.get(k)).find((k) => k !== undefined);
  if (match === null || (meant !== undefined && meant !== kind)) {
    const hint = meant === undefined ? '' : ` (did you mean ${meant}?)`;
    return `must be a kind as manifests spell it, like ClusterRole, or group/Kind, like rbac.authorization.k8s.io/ClusterRole${hint}`;
  }
  const scopes = SCOPES_BY_KIND.get(kind);
  const group = match[1];
  // The core group has no name in apiVersion (`v1`), so `core/Namespace` or `v1/Namespace` would match nothing.
  if (group !== undefined && (group === 'core' || /^v\d+((alpha|beta)\d+)?$/.test(group))) {
    return `${group}/ is not an API group: write core kinds without a group (${kind}), others as group/Kind without the version`;
  }
  if (list === 'clusterKinds' && scopes !== undefined && !scopes.has('Cluster') && (group === undefined || builtInScope(group, kind) !== undefined)) {
    return `${kind} is namespaced; clusterKinds lists cluster-scoped kinds (namespaced objects are governed by namespaces)`;
  }
  return undefined;
}
