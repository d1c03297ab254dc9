// A version push as a pure write: set `<env>/version/<resource>.yaml`, or refuse naming what is missing.
import type { YamlValue } from '@cascade/common';
import { writeVersionFile } from '@cascade/common';
import { WriteRefusedError } from './errors.ts';
import { writePlan, type WritePlan } from './plan.ts';
import { findResourceFile, readText, requireEnvironment } from './repo-paths.ts';
import { requestedByTrailer, type Requester } from './requester.ts';

/** A checked version push. */
export interface VersionPush {
  resource: string;
  version: string;
  env: string;
  fields: Record<string, YamlValue>;
  changelog?: string;
  requester: Requester;
}

/** Plans the version-file write: new resources only where their base exists; the same version again changes nothing. */
export function planVersionPush(push: VersionPush): WritePlan<{ path: string }> {
  const { resource, version, env } = push;
  return writePlan((current) => {
    const existingPath = findResourceFile(current, env, 'version', resource);
    if (!existingPath) refuseNewResource(current, env, resource);
    const path = existingPath ?? `${env}/version/${resource}.yaml`;
    const existing = existingPath ? readText(current, existingPath) : undefined;
    const next = writeVersionFile(existing, version, push.fields);
    if (next === existing) return { edit: null, outcome: { path } };
    const changelog = push.changelog?.trim();
    return {
      outcome: { path },
      edit: {
        changes: { [path]: next },
        message: changelog ? `Update ${resource} to ${version}\n\n${changelog}` : `Update ${resource} to ${version}`,
        trailers: [
          ['Cascade-Type', 'Version'],
          ['Cascade-Resource', resource],
          ['Cascade-Env', env],
          ['Cascade-Version', version],
          requestedByTrailer(push.requester),
        ],
        author: push.requester.author,
      },
    };
  });
}

/** A resource without a version file may start only where its base template exists. */
function refuseNewResource(current: Parameters<typeof findResourceFile>[0], env: string, resource: string): void {
  requireEnvironment(current, env);
  const deployable = findResourceFile(current, env, 'deployable', resource);
  if (deployable) {
    throw new WriteRefusedError('resource-is-deployable', 'conflict', `${resource} in ${env} is a complete manifest (${deployable}) and has no version file; edit it in git`, { field: 'resource', file: deployable });
  }
  if (!findResourceFile(current, env, 'base', resource)) {
    const base = `${env}/base/${resource}.yaml`;
    throw new WriteRefusedError('missing-base', 'unprocessable', `${resource} is new in ${env} and its base ${base} does not exist; commit the base template first`, { field: 'resource', file: base, env, resource });
  }
}
