// What a staging's driver gets: the template rendered as the staging (like an environment's pass), its generated
// application config, and for an archived staging only what an archive keeps.
import type { ParseCache, RenderedResource, Resource, ScriptLink, SnapshotWithFiles, StagingDeployment } from '@cascade/common';
import { APP_CONFIG_RESOURCE, appConfigManifests, ingressLinks, keptWhenArchived, openProblem, plainValue } from '@cascade/common';
import type { SecretsKeyring } from '@cascade/common/secrets';
import { environmentPass } from '../service/pass.ts';

/** The rendered side of a StagingPass. */
export interface StagingRender {
  resources: Resource[];
  rendered: RenderedResource[];
  appSecrets: Record<string, string>;
  links: ScriptLink[];
  pruneHold: string[];
}

/** Renders a staging at the snapshot's commit; decrypted values come from `keyring` and stay out of everything but the result. */
export async function renderStaging(snapshot: SnapshotWithFiles, deployment: StagingDeployment, cache: ParseCache, keyring: SecretsKeyring): Promise<StagingRender> {
  const { staging, environment, binding } = deployment;
  // A staging marked for cleanup is removed whole: nothing to render, nothing to decrypt.
  if (staging.state === 'cleanup') return { resources: [...environment.resources.values()], rendered: [], appSecrets: {}, links: [], pruneHold: [] };
  // The staging renders exactly as an environment of that name would: same cache, same decryption, same slicing.
  const view: SnapshotWithFiles = { ...snapshot, environments: new Map([[environment.name, environment]]) };
  const pass = await environmentPass(view, binding, cache, keyring);
  const secrets = await appSecrets(snapshot, deployment, keyring);
  const rendered = [...pass.rendered, appConfigResource(deployment, secrets)];
  const kept = staging.state === 'archived' ? archivedView(rendered) : rendered;
  return {
    resources: pass.resources,
    rendered: kept,
    appSecrets: 'problem' in secrets ? {} : secrets.values,
    links: staging.state === 'active' ? stagingLinks(deployment.links, kept) : [],
    pruneHold: pass.pruneHold,
  };
}

/** The decrypted `secrets.app` of the staging's file, or why they cannot be had. */
type AppSecrets = { values: Record<string, string> } | { problem: ReturnType<typeof openProblem> };

async function appSecrets(snapshot: SnapshotWithFiles, { staging }: StagingDeployment, keyring: SecretsKeyring): Promise<AppSecrets> {
  if (staging.encrypted === undefined || staging.secretKeys.length === 0) return { values: {} };
  const file = snapshot.files.files.get(staging.file);
  if (file === undefined) return { problem: { file: staging.file, severity: 'error', code: 'missing-file', message: 'file disappeared from the snapshot' } };
  await keyring.open([file]);
  const opened = keyring.opened({ path: file.path, oid: file.oid });
  if (!opened?.ok) return { problem: openProblem(staging.file, opened) };
  const document = plainValue(opened.documents[0]);
  return { values: secretsOf(document) };
}

/** `secrets.app` of a decrypted staging file, every value as a string (what a Secret's stringData holds). */
export function secretsOf(document: unknown): Record<string, string> {
  const secrets = isMap(document) ? document['secrets'] : undefined;
  const app = isMap(secrets) ? secrets['app'] : undefined;
  if (!isMap(app)) return {};
  return Object.fromEntries(Object.entries(app).filter(([, value]) => value !== null && value !== undefined).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
}

/** The generated application config as one more resource: failing alone (its objects kept) when the secrets cannot be decrypted. */
export function appConfigResource({ staging }: StagingDeployment, secrets: AppSecrets): RenderedResource {
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
export function stagingLinks(base: readonly string[], rendered: readonly RenderedResource[]): ScriptLink[] {
  const urls = [...base, ...ingressLinks(rendered.flatMap((r) => (r.ok ? r.manifests : [])))];
  return [...new Set(urls)].map((url) => ({ name: url.replace(/^https?:\/\//, ''), url }));
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
