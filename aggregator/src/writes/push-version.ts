// A version push as a pure write: set `<env>/version/<resource>.yaml`, or refuse naming what is missing or in the way.
import type { Environment, Locks, RepoFiles, Resource, SnapshotWithFiles, YamlValue } from '@cascade/common';
import { closestName, locksPath, resourcePaths, writeVersionFile } from '@cascade/common';
import { cascadeTrailers } from '@cascade/common/git';
import { WriteRefusedError } from './errors.ts';
import { refuseOversizedWrite, VERSION_FILE } from './file-size.ts';
import { writePlan, type WritePlan } from './plan.ts';
import { checkCiEnvironment, defaultPushEnvironment, locksPassed, type PushRules } from './push-rules.ts';
import { environmentsOf, headSnapshot, parsedHeads, requireEnvironment, resourceFile, type HeadSnapshots } from './head-snapshot.ts';
import { readText } from './repo-paths.ts';
import type { Requester } from './requester.ts';
import { looksLikeSopsYaml } from '@cascade/common/secrets';
import { writePlainKeysOfSopsFile, writeVersionFileWithSecrets, type SecretsPush } from './version-secrets.ts';

/** A checked version push. */
export interface VersionPush {
  resource: string;
  version: string;
  /** Absent: the pipeline's entry environment, when there is exactly one. */
  env?: string;
  fields: Record<string, YamlValue>;
  changelog?: string;
  requester: Requester;
  /** Why an operator or admin pushes past a lock; recorded in the commit. A ci token can never override. */
  lockOverride?: string;
  /** Secrets to encrypt into the file (version-secrets.ts); absent keeps the file's encrypted values as they are. */
  secrets?: SecretsPush;
}

/**
 * Plans the version-file write: only where the requester's role may push (push-rules.ts), never past a lock
 * without an override, new resources only where their base exists; the same version again changes nothing.
 * Decided on the snapshot of the head the write is applied to (`heads`); the file's text is read only to edit it.
 */
export function planVersionPush(push: VersionPush, rules: PushRules, heads: HeadSnapshots = parsedHeads): WritePlan<{ path: string; env: string }> {
  const { resource, version } = push;
  return writePlan((current, context) => {
    const snapshot = headSnapshot(current, context, heads);
    const environments = environmentsOf(snapshot);
    const env = push.env ?? defaultPushEnvironment(environments);
    const environment = requireEnvironment(snapshot, env);
    checkCiEnvironment(push.requester, env, environments, rules);
    const defined = environment.resources.get(resource);
    const existingPath = resourceFile(snapshot, defined, 'version');
    if (!existingPath) refuseNewResource(snapshot, defined, env, resource);
    const path = existingPath ?? resourcePaths(env, 'version', resource)[0];
    const existing = existingPath ? readText(current, existingPath) : undefined;
    // Secrets are encrypted anew on every push, so such a push is never a no-op: its locks are checked before encrypting.
    const lockCheck = () => locksPassed(pushLocks(current, environment), env, resource, push.requester, push.lockOverride);
    const passedFirst = push.secrets ? lockCheck() : undefined;
    const next = push.secrets
      ? writeVersionFileWithSecrets(current, path, existing, version, push.fields, push.secrets)
      : existing !== undefined && looksLikeSopsYaml(existing)
        ? writePlainKeysOfSopsFile(path, existing, version, push.fields)
        : writeVersionFile(existing, version, push.fields);
    // A push that changes nothing passes even a lock: it writes nothing, and a CI retry of an earlier push stays a 200.
    if (next === existing) return { edit: null, outcome: { path, env } };
    refuseOversizedWrite(VERSION_FILE, path, next, existing);
    const passed = passedFirst ?? lockCheck();
    const override = passed.length > 0 ? `Pushed past the lock on ${passed.join(' and ')}: ${push.lockOverride}` : undefined;
    const body = [push.changelog?.trim(), secretsLine(push.secrets), override].filter((part) => part !== undefined && part !== '').join('\n\n');
    return {
      outcome: { path, env },
      edit: {
        changes: { [path]: next },
        message: body ? `Update ${resource} to ${version}\n\n${body}` : `Update ${resource} to ${version}`,
        trailers: cascadeTrailers('Version', { resource, env, version, lockOverride: override === undefined ? undefined : push.lockOverride, requestedBy: push.requester.token }),
        author: push.requester.author,
      },
    };
  });
}

/** What the commit says about secrets: key names only, never a value. */
function secretsLine(secrets: SecretsPush | undefined): string | undefined {
  if (!secrets) return undefined;
  const set = Object.keys(secrets.values).sort();
  const removed = secrets.remove.filter((key) => !Object.hasOwn(secrets.values, key)).sort();
  return [set.length > 0 ? `Secrets set: ${set.join(', ')}` : undefined, removed.length > 0 ? `Secrets removed: ${removed.join(', ')}` : undefined].filter(Boolean).join('\n');
}

/**
 * The environment's locks as the snapshot read them. The snapshot reads a locks.yaml Cascade cannot read at all (too
 * large, a symlink, not UTF-8) as an environment lock, failing closed; a push refuses such a file instead, naming it
 * (409) as the lock routes do, so its text is read for that refusal alone.
 */
function pushLocks(current: RepoFiles, environment: Environment): Locks {
  readText(current, locksPath(environment.name));
  return environment.locks;
}

/** A resource without a version file may start only where its base template exists. */
function refuseNewResource(snapshot: SnapshotWithFiles, defined: Resource | undefined, env: string, resource: string): void {
  if (defined?.source.kind === 'deployable') {
    const deployable = defined.source.file;
    throw new WriteRefusedError('resource-is-deployable', 'conflict', `${resource} in ${env} is a complete manifest (${deployable}) and has no version file; edit it in git`, { field: 'resource', file: deployable });
  }
  if (!resourceFile(snapshot, defined, 'base')) {
    const base = `${env}/base/${resource}.yaml`;
    // A new name close to one the environment has is more often a typo than a new resource.
    const suggestion = closestName(resource, snapshot.environments.get(env)?.resources.keys() ?? []);
    const message = `${resource} is new in ${env} and its base ${base} does not exist; ${suggestion ? `did you mean ${suggestion}? If not, ` : ''}commit the base template first`;
    throw new WriteRefusedError('missing-base', 'unprocessable', message, { field: 'resource', file: base, env, resource, ...(suggestion ? { suggestion } : {}) });
  }
}
