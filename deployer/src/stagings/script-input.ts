// What a staging's control scripts receive: one script record named after the staging, its kind's namespace and
// domain, `overrides.app` plus the decrypted `secrets.app` as application config, `overrides.deployment` as deployment
// config. No I/O.
import { createHash } from 'node:crypto';
import type { RenderedResource, ResourceError, StagingDeployment, StagingIntent, YamlValue } from '@cascade/common';
import { APP_CONFIG_RESOURCE } from '@cascade/common';
import { canonicalJson, sha256 } from '../content/canonical-json.ts';
import type { ConfigTransport, ScriptCall, ScriptProject } from '../scripts/arguments.ts';
import { buildScriptCall } from '../scripts/arguments.ts';
import type { StagingWant } from './script-decide.ts';

/** The script target's settings a staging's calls need. */
export interface StagingScriptTarget {
  project: ScriptProject;
  transport: ConfigTransport;
}

/** Everything a change of which means `update`: what the scripts get, secrets included. */
export interface StagingSettings {
  projectName: string;
  baseDomain: string;
  namespace: string;
  tag: string;
  app: Record<string, string>;
  secrets: Record<string, string>;
  deployment: { [key: string]: YamlValue };
}

/** A staging's script input at one pass, or the error that keeps its scripts from running. */
export type StagingScriptInput =
  | { ok: true; intent: StagingIntent; blob: string; settings: StagingSettings; call: ScriptCall }
  | { ok: false; intent: StagingIntent; blob: string; error: ResourceError };

/**
 * Builds the input of every script call of the staging; `appSecrets` go only into the private config file.
 * `secretsProblem`: why the staging's secrets could not be decrypted; no script runs then, since config without them
 * would read as a change and `update` the staging with its secrets missing.
 */
export function stagingScriptInput(target: StagingScriptTarget, deployment: StagingDeployment, appSecrets: Record<string, string>, secretsProblem?: ResourceError): StagingScriptInput {
  const { staging, kind, binding } = deployment;
  const base = { intent: staging.state, blob: staging.blob };
  if (secretsProblem !== undefined) return { ...base, ok: false, error: secretsProblem };
  // Arguments show in every local user's process list: decrypted values travel only in the config file.
  if (target.transport === 'argv' && Object.keys(appSecrets).length > 0) {
    return { ...base, ok: false, error: { code: 'secret-in-argv', file: staging.file, message: 'the staging has secrets, and its target passes config as arguments (configArguments: argv); use configArguments: file' } };
  }
  const settings: StagingSettings = {
    projectName: target.project.projectName,
    baseDomain: kind.baseDomain ?? target.project.baseDomain,
    namespace: binding.namespace ?? staging.name,
    tag: staging.tag,
    app: staging.app,
    secrets: appSecrets,
    deployment: staging.deployment,
  };
  const built = buildScriptCall(target.project, {
    name: staging.name,
    namespace: settings.namespace,
    tag: staging.tag,
    baseDomain: settings.baseDomain,
    file: staging.file,
    tagField: 'tag',
    // Secrets last: a key in both is the secret's, as in the generated Secret that wins over the ConfigMap.
    applicationConfig: [{ field: 'overrides.app', map: staging.app }, { field: 'secrets.app', map: appSecrets }],
    deploymentConfig: [{ field: 'overrides.deployment', map: staging.deployment }],
  }, target.transport);
  return built.ok ? { ...base, ok: true, settings, call: built.call } : { ...base, ok: false, error: built.error };
}

/** The settings' fingerprint, salted per record so a record file does not hold a plain hash of secret values. */
export function settingsFingerprint(settings: StagingSettings, salt: string): string {
  return createHash('sha256').update(salt).update('\0').update(canonicalJson(settings as unknown as YamlValue)).digest('hex');
}

/** What the decision needs of a usable input, against a record salted with `salt`. */
export function stagingWant(input: Extract<StagingScriptInput, { ok: true }>, salt: string): StagingWant {
  const settings = settingsFingerprint(input.settings, salt);
  return { intent: input.intent, settings, attempt: sha256(`${input.blob}\0${settings}`) };
}

/** Why the pass has no decrypted secrets for the staging: its generated application config failed to render. */
export function secretsProblemOf(rendered: readonly RenderedResource[]): ResourceError | undefined {
  const appConfig = rendered.find((resource) => resource.name === APP_CONFIG_RESOURCE);
  if (appConfig === undefined || appConfig.ok) return undefined;
  const problem = appConfig.problems[0];
  return problem === undefined ? undefined : { code: problem.code, file: problem.file, message: problem.message };
}
