// The deployer's status as JSON text, built from pieces serialised once: an environment a pass left as it was keeps
// its resources array, and a resource whose status did not change its object, so their text is reused, and asking
// peers (transitioner, aggregators) pay for what changed.
import { createHash } from 'node:crypto';
import type { DeployerStatus, EnvironmentStatus, ResourceStatus } from '@cascade/common';

const resourcesText = new WeakMap<readonly ResourceStatus[], string>();

/** `JSON.stringify(status)`, with each environment's resources serialised once per array. */
export function deployerStatusJson(status: DeployerStatus): string {
  const { environments, ...rest } = status;
  const head = JSON.stringify(rest);
  const parts = environments.map(environmentJson).join(',');
  return `${head.slice(0, -1)}${head === '{}' ? '' : ','}"environments":[${parts}]}`;
}

const resourceText = new WeakMap<ResourceStatus, string>();

function environmentJson(environment: EnvironmentStatus): string {
  const { resources, ...rest } = environment;
  let text = resourcesText.get(resources);
  if (text === undefined) resourcesText.set(resources, (text = `[${resources.map(resourceJson).join(',')}]`));
  const head = JSON.stringify(rest);
  return `${head.slice(0, -1)}${head === '{}' ? '' : ','}"resources":${text}}`;
}

/** A strong HTTP entity tag for a response body: its SHA-1, which is plenty to tell two statuses apart. */
export function entityTag(text: string): string {
  return `"${createHash('sha1').update(text).digest('base64url')}"`;
}

/** A resource's status serialised once: a pass hands out the same object for a resource whose status did not change. */
function resourceJson(resource: ResourceStatus): string {
  let text = resourceText.get(resource);
  if (text === undefined) resourceText.set(resource, (text = JSON.stringify(resource)));
  return text;
}
