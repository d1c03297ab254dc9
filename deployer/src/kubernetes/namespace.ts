// The environment's namespace from deployers.yaml: created when missing (like Argo CD's CreateNamespace=true),
// never changed or pruned afterwards, because people often create and label it themselves.
import type { CascadeObjectApi } from './client.ts';
import { INSTALLATION_LABEL } from './labels.ts';

/** Label that says who created a namespace, for people looking at the cluster. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';

/** What ensureNamespace found or did. */
export type NamespaceOutcome = 'existed' | 'created';

/** Creates the namespace unless it exists, with `labels` besides Cascade's own; an existing one is left exactly as it is. */
export async function ensureNamespace(client: CascadeObjectApi, namespace: string, installation: string, labels: Record<string, string> = {}): Promise<NamespaceOutcome> {
  if (await namespaceExists(client, namespace)) return 'existed';
  const created = await client.createIfAbsent({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: namespace, labels: { ...labels, [MANAGED_BY_LABEL]: 'cascade', [INSTALLATION_LABEL]: installation } },
  });
  return created ? 'created' : 'existed';
}

/** Whether the namespace exists, for dry runs that must not create it. */
export async function namespaceExists(client: CascadeObjectApi, namespace: string): Promise<boolean> {
  return (await client.readObject({ apiVersion: 'v1', kind: 'Namespace', name: namespace })) !== undefined;
}
