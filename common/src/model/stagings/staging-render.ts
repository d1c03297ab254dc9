// A staging's render beyond its template's: the generated application config, what an archive keeps, its links, and
// the secret overrides of a decrypted staging file. Shared by the deployer and `cascade render --staging`.
import type { Problem } from '../problem.ts';
import type { RenderedResource, Staging } from '../types.ts';
import { APP_CONFIG_RESOURCE, appConfigManifests, ingressLinks, keptWhenArchived } from './manifests.ts';

/** The decrypted `secrets.app` of a staging's file, or why they cannot be had. */
export type AppSecrets = { values: Record<string, string> } | { problem: Problem };

/** `secrets.app` of a decrypted staging file, every value as a string (what a Secret's stringData holds). */
export function appSecretsOf(document: unknown): Record<string, string> {
  const secrets = isMap(document) ? document['secrets'] : undefined;
  const app = isMap(secrets) ? secrets['app'] : undefined;
  if (!isMap(app)) return {};
  return Object.fromEntries(Object.entries(app).filter(([, value]) => value !== null && value !== undefined).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
}

/** The generated application config as one more resource: failing alone (its objects kept) when the secrets cannot be decrypted. */
export function appConfigResource(staging: Staging, secrets: AppSecrets): RenderedResource {
  const env = staging.name;
  if ('problem' in secrets) return { ok: false, env, name: APP_CONFIG_RESOURCE, problems: [{ ...secrets.problem, env, resource: APP_CONFIG_RESOURCE, staging: staging.name }] };
  return { ok: true, env, name: APP_CONFIG_RESOURCE, manifests: appConfigManifests(staging, secrets.values), sourceFiles: [staging.file] };
}

/**
 * What an archived staging keeps of its render: every resource without its workloads. A resource that failed to
 * render stays failed, so its live objects (workloads too) are kept, as for any resource that cannot render.
 */
export function archivedView(rendered: readonly RenderedResource[]): RenderedResource[] {
  return rendered.map((resource) => (resource.ok ? { ...resource, manifests: resource.manifests.filter(keptWhenArchived) } : resource));
}

/** The kind's link (`https://{name}.{baseDomain}`) and those of the rendered Ingresses, each URL once, named by its host. */
export function stagingLinks(base: readonly string[], rendered: readonly RenderedResource[]): Array<{ name: string; url: string }> {
  const urls = [...base, ...ingressLinks(rendered.flatMap((r) => (r.ok ? r.manifests : [])))];
  return [...new Set(urls)].map((url) => ({ name: url.replace(/^https?:\/\//, ''), url }));
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
