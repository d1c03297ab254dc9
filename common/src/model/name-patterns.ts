// The name patterns of a target's policy in the deployer's config: an exact name, or a prefix followed by `*`.

/** True when the entry names `name` exactly, or `name` starts with what precedes the entry's trailing `*`. */
export function matchesPattern(entry: string, name: string): boolean {
  return entry.endsWith('*') ? name.startsWith(entry.slice(0, -1)) : entry === name;
}

/** True when a kubernetes target with this allow-list may deploy into the namespace. */
export function namespaceAllowed(namespace: string, allowedNamespaces: readonly string[] | undefined): boolean {
  // Kubernetes' own namespaces hold the cluster's machinery; pruning there can break the whole cluster.
  const reserved = namespace === 'default' || namespace.startsWith('kube-');
  if (allowedNamespaces === undefined) return !reserved;
  return allowedNamespaces.some((entry) => (reserved && entry === '*' ? false : matchesPattern(entry, namespace)));
}
