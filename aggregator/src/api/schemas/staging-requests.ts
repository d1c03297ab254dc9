// What the staging routes accept: names, branches, the tag, overrides and secrets, each refused at the edge naming the
// field. The rules that need the repo (the kind exists, the name fits its namespace pattern) are the write's.
import type { YamlValue } from '@cascade/common';
import { APP_KEY, checkResourceName, DNS_LABEL, MAX_TAG_LENGTH, refusedCharacter } from '@cascade/common';
import { z } from '@hono/zod-openapi';
import { oneLine, optional, requestBody, stagingName } from './fields.ts';
import { secretKeysToRemove, secretValues } from './secret-values.ts';
import { checkValue, FIELD_KEY, type FieldProblem } from './version-fields.ts';

/** Most keys of one override map. */
const MAX_KEYS = 200;
/** Longest application config key and value: they become environment variables and ConfigMap data. */
const MAX_APP_KEY_LENGTH = 253;
const MAX_APP_VALUE_LENGTH = 64 * 1024;
/** Longest branch name git hosts accept in practice. */
const MAX_BRANCH_LENGTH = 255;

/** A kind of `stagings.yaml`. */
function kindName() {
  return oneLine(63)
    .regex(DNS_LABEL, 'must be a kind of stagings.yaml (a DNS label)')
    .openapi({ pattern: DNS_LABEL.source, description: 'A kind of `stagings.yaml`, e.g. `feature`' });
}

/** A git branch name. */
function branchName() {
  return oneLine(MAX_BRANCH_LENGTH).openapi({
    description: 'A git branch (`feature/JIRA-12_Login`; `refs/heads/` is dropped). The staging is named after it (`feature-jira-12-login`, cut with a hash to fit the kind\'s namespace pattern) and records it',
  });
}

/** `tag`: `$version` of every resource of the template. */
function tag() {
  return oneLine(MAX_TAG_LENGTH).openapi({ description: '`$version` of every resource of the template, `--tag` of control scripts, e.g. a commit id' });
}

/** A map of at most MAX_KEYS keys whose first problem `check` finds. */
function checkedMap<T>(check: (map: Record<string, unknown>) => FieldProblem | undefined, description: string) {
  return z
    .record(z.string(), z.unknown(), { error: 'must be an object of key → value' })
    .superRefine((map, ctx) => {
      const problem = Object.keys(map).length > MAX_KEYS ? { path: [], message: `must hold at most ${MAX_KEYS} keys` } : check(map);
      if (problem) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
    })
    .transform((map) => map as T) // `check` proved the shape.
    .openapi({ description });
}

/** `app`: variable name → string, as the `cascade-app` ConfigMap and `--application-config` carry them. */
function appOverrides() {
  return checkedMap<Record<string, string>>((map) => {
    for (const [key, value] of Object.entries(map)) {
      if (!APP_KEY.test(key) || key.length > MAX_APP_KEY_LENGTH) return { path: [key], message: 'keys are variable names: letters, digits, "_", "-", "." and not starting with a digit' };
      if (typeof value !== 'string') return { path: [key], message: 'must be a string (quote numbers and true/false)' };
      if (value.length > MAX_APP_VALUE_LENGTH) return { path: [key], message: `must be at most ${MAX_APP_VALUE_LENGTH} characters` };
      // Multi-line values (a certificate) keep their newlines and tabs; other control characters never belong in config.
      // eslint-disable-next-line no-control-regex -- control characters are what this set is for
      if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(value)) return { path: [key], message: 'must not contain control characters other than tab and newline' };
      const refused = refusedCharacter(value);
      if (refused) return { path: [key], message: `must not contain ${refused}` };
    }
    return undefined;
  }, 'Application config (`overrides.app`): variable name → string value, delivered as the ConfigMap `cascade-app` and `--application-config`. Replaces the staging\'s whole application config; `{}` removes it');
}

/** A map of version-file fields; `version` only where `allowVersion`, never `secrets` or `sops`. */
function fieldsProblem(fields: Record<string, unknown>, path: string[], allowVersion: boolean): FieldProblem | undefined {
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'version' && !allowVersion) return { path: [...path, key], message: 'set the version of every resource with "tag"' };
    if (key === 'secrets' || key === 'sops') return { path: [...path, key], message: 'send secret values in the top-level "secrets" object, which encrypts them' };
    if (!FIELD_KEY.test(key)) return { path: [...path, key], message: 'keys must start with a letter or "_" and hold only letters, digits, "_", "." and "-"' };
    const problem = checkValue(value, [...path, key], 1);
    if (problem) return problem;
  }
  return undefined;
}

/** `deployment`: fields merged into every resource's version data (replicas, sizes), `--deployment-config` of scripts. */
function deploymentOverrides() {
  return checkedMap<Record<string, YamlValue>>(
    (map) => fieldsProblem(map, [], false),
    'Deployment config (`overrides.deployment`): fields merged into every resource\'s version data (`replicas`, sizes) and `--deployment-config`. Values stay values, never YAML text. Replaces the staging\'s whole deployment config; `{}` removes it',
  );
}

/** `versions`: resource name → fields merged over the template's version file. */
function stagingVersions() {
  return checkedMap<Record<string, Record<string, YamlValue>>>((map) => {
    for (const [resource, fields] of Object.entries(map)) {
      const why = checkResourceName(resource);
      if (why) return { path: [resource], message: `resource name ${why}` };
      if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) return { path: [resource], message: 'must be an object of field → value' };
      const problem = fieldsProblem(fields as Record<string, unknown>, [resource], true);
      if (problem) return problem;
      const version = (fields as Record<string, unknown>)['version'];
      if (version !== undefined && (typeof version !== 'string' || version.trim() === '' || version.length > MAX_TAG_LENGTH || /[\n\r]/.test(version))) {
        return { path: [resource, 'version'], message: `must be one line of at most ${MAX_TAG_LENGTH} characters` };
      }
    }
    return undefined;
  }, 'Per resource of the template: fields merged over its version file (`version` pins that resource to another version than `tag`). Replaces the staging\'s whole `versions`; `{}` removes it');
}

/** What create and deploy share: the staging by name or branch, its kind and its settings. */
const CREATE_FIELDS = {
  name: optional(stagingName().openapi({ description: 'The staging\'s name, a DNS label short enough for the kind\'s namespace pattern; give this or `fromBranch`' })),
  fromBranch: optional(branchName()),
  kind: kindName(),
  tag: tag(),
  versions: optional(stagingVersions()),
  app: optional(appOverrides()),
  deployment: optional(deploymentOverrides()),
  secrets: optional(secretValues().openapi({ description: 'Secret application config (`secrets.app`): variable name → value, encrypted to the recipients of the `.sops.yaml` rule for `stagings/<name>.yaml` before anything is written, delivered as the Secret `cascade-app-secrets`. Never in an answer, a log, the commit or the status' })),
};

/** Exactly one of `name` and `fromBranch`. */
function nameOrBranch(body: { name?: string | undefined; fromBranch?: string | undefined }, ctx: z.RefinementCtx): void {
  if ((body.name === undefined) === (body.fromBranch === undefined)) ctx.addIssue({ code: 'custom', path: ['name'], message: 'give either "name" or "fromBranch"' });
}

/** `POST /api/v1/stagings`. */
export const CreateStagingRequestSchema = requestBody(CREATE_FIELDS).superRefine(nameOrBranch).openapi('CreateStagingRequest');

/** `POST /api/v1/stagings/deploy`. */
export const DeployStagingRequestSchema = requestBody({ ...CREATE_FIELDS, removeSecrets: optional(secretKeysToRemove()) })
  .superRefine(nameOrBranch)
  .openapi('DeployStagingRequest', { description: 'Create the staging, or update the fields given (the others stay); the same settings again commit nothing' });

const UPDATE_FIELDS = {
  tag: optional(tag()),
  versions: optional(stagingVersions()),
  app: optional(appOverrides()),
  deployment: optional(deploymentOverrides()),
  secrets: optional(secretValues().openapi({ description: 'Replaces the staging\'s secrets (encrypted before anything is written): each one already there must be sent again or named in `removeSecrets`' })),
  removeSecrets: optional(secretKeysToRemove()),
};

/** `PATCH /api/v1/stagings/{name}`: at least one field. */
export const UpdateStagingRequestSchema = requestBody(UPDATE_FIELDS)
  .superRefine((body, ctx) => {
    if (Object.values(body).every((value) => value === undefined)) ctx.addIssue({ code: 'custom', message: `give at least one of ${Object.keys(UPDATE_FIELDS).join(', ')}` });
  })
  .openapi('UpdateStagingRequest');

/** `POST /api/v1/stagings/archive`. */
export const ArchiveBranchRequestSchema = requestBody({ fromBranch: branchName() }).openapi('ArchiveBranchRequest');

/** The `{name}` of a staging route. */
export const StagingParamsSchema = z.object({ name: stagingName().openapi({ param: { name: 'name', in: 'path' } }) });
