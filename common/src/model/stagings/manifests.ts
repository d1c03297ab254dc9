// What a staging adds to and takes from its template's manifests: the application config it generates, the objects an
// archive removes, and the links its Ingresses publish.
import type { Manifest, Staging, YamlValue } from '../types.ts';
import { isPlainMap } from '../yaml-file.ts';

/** The resource name of the generated application config in a staging's status. */
export const APP_CONFIG_RESOURCE = 'cascade/app-config';

/** The ConfigMap (and the Secret, for secret overrides) a staging's workloads read with `envFrom`. */
export const APP_CONFIG_NAME = 'cascade-app';
export const APP_SECRETS_NAME = 'cascade-app-secrets';

/**
 * The generated objects that carry a staging's application config: a ConfigMap `cascade-app` with `overrides.app`,
 * and a Secret `cascade-app-secrets` with the decrypted `secrets.app` (only the deployer has them). Templates read them
 * with `envFrom: [{ configMapRef: { name: cascade-app, optional: true } }, { secretRef: { name: cascade-app-secrets, optional: true } }]`.
 */
export function appConfigManifests(staging: Staging, secrets: Record<string, string> = {}): Manifest[] {
  const manifests: Manifest[] = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: APP_CONFIG_NAME }, data: { ...staging.app } }];
  if (Object.keys(secrets).length > 0) manifests.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: APP_SECRETS_NAME }, type: 'Opaque', stringData: { ...secrets } });
  return manifests;
}

/** Kinds an archive removes: whatever runs pods. Everything else (PersistentVolumeClaims, ConfigMaps, Services) stays for the restore. */
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod', 'ReplicationController', 'HorizontalPodAutoscaler']);

/** Whether an archived staging keeps `manifest`: everything but what runs pods, so its data is there when it is restored. */
export function keptWhenArchived(manifest: Manifest): boolean {
  return !WORKLOAD_KINDS.has(String(manifest['kind']));
}

/** The `https://host` links of the Ingresses among `manifests`, without wildcards, each once. */
export function ingressLinks(manifests: readonly Manifest[]): string[] {
  const links = new Set<string>();
  for (const manifest of manifests) {
    if (manifest['kind'] !== 'Ingress') continue;
    const spec = manifest['spec'];
    const rules = isPlainMap(spec) && Array.isArray(spec['rules']) ? (spec['rules'] as YamlValue[]) : [];
    for (const rule of rules) {
      const host = isPlainMap(rule) ? rule['host'] : undefined;
      if (typeof host === 'string' && /^[a-z0-9.-]+$/.test(host)) links.add(`https://${host}`);
    }
  }
  return [...links];
}
