// What a staging's driver gets: the template rendered as the staging (like an environment's pass), its generated
// application config, and for an archived staging only what an archive keeps.
import type { ParseCache, RenderedResource, Resource, ScriptLink, SnapshotWithFiles, StagingDeployment } from '@cascade/common';
import { appConfigResource, appSecretsOf, archivedView, openProblem, plainValue, stagingLinks, type AppSecrets } from '@cascade/common';
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
  const rendered = [...pass.rendered, appConfigResource(staging, secrets)];
  const kept = staging.state === 'archived' ? archivedView(rendered) : rendered;
  return {
    resources: pass.resources,
    rendered: kept,
    appSecrets: 'problem' in secrets ? {} : secrets.values,
    links: staging.state === 'active' ? stagingLinks(deployment.links, kept) : [],
    pruneHold: pass.pruneHold,
  };
}

async function appSecrets(snapshot: SnapshotWithFiles, { staging }: StagingDeployment, keyring: SecretsKeyring): Promise<AppSecrets> {
  if (staging.encrypted === undefined || staging.secretKeys.length === 0) return { values: {} };
  const file = snapshot.files.files.get(staging.file);
  if (file === undefined) return { problem: { file: staging.file, severity: 'error', code: 'missing-file', message: 'file disappeared from the snapshot' } };
  await keyring.open([file]);
  const opened = keyring.opened({ path: file.path, oid: file.oid });
  if (!opened?.ok) return { problem: openProblem(staging.file, opened) };
  const document = plainValue(opened.documents[0]);
  return { values: appSecretsOf(document) };
}
