// Links in the deployer's status come from control scripts' `info` output: only http(s) URLs reach a browser.
import type { DeployerStatus, EnvironmentStatus, ResourceStatus, StagingStatus } from '@cascade/common';
import type { PeerStatus } from '@cascade/common/api';
import { isWebLink } from '@cascade/common/api';

/** The deployer's status with every link that is not an http(s) URL (`javascript:`, `data:`, …) dropped, in environments and stagings. */
export function withWebLinksOnly(peer: PeerStatus<DeployerStatus>): PeerStatus<DeployerStatus> {
  if (peer.state !== 'ok') return peer;
  const stagings: unknown = peer.status.stagings;
  const stagingsToClean = Array.isArray(stagings) && stagings.some(stagingHasOtherLinks);
  if (!peer.status.environments.some(hasOtherLinks) && !stagingsToClean) return peer;
  const environments = peer.status.environments.map((env) => (hasOtherLinks(env) ? { ...env, resources: env.resources.map(resourceWithWebLinks) } : env));
  const cleaned = stagingsToClean ? { stagings: (stagings as StagingStatus[]).map((s) => (stagingHasOtherLinks(s) ? stagingWithWebLinks(s) : s)) } : {};
  return { ...peer, status: { ...peer.status, environments, ...cleaned } };
}

/** Resources with only their http(s) links. */
export function resourcesWithWebLinks(resources: ResourceStatus[]): ResourceStatus[] {
  return resources.some(resourceHasOtherLinks) ? resources.map(resourceWithWebLinks) : resources;
}

// The peer's answer is checked only for its outline, so `links` is treated as untrusted JSON here.
function resourceWithWebLinks(resource: ResourceStatus): ResourceStatus {
  if (resource?.links === undefined) return resource;
  return { ...resource, links: Array.isArray(resource.links) ? resource.links.filter((link) => isWebLink(link?.url)) : [] };
}

function stagingWithWebLinks(staging: StagingStatus): StagingStatus {
  const links = Array.isArray(staging.links) ? staging.links.filter((link) => isWebLink(link?.url)) : [];
  return { ...staging, links, ...(Array.isArray(staging.resources) ? { resources: resourcesWithWebLinks(staging.resources) } : {}) };
}

function resourceHasOtherLinks(resource: ResourceStatus): boolean {
  return resource?.links !== undefined && (!Array.isArray(resource.links) || resource.links.some((link) => !isWebLink(link?.url)));
}

/** Whether each resources array holds a link to drop, once per array: an environment's array stays the same object while its reports do. */
const arraysWithOtherLinks = new WeakMap<readonly ResourceStatus[], boolean>();

function hasOtherLinks(env: EnvironmentStatus): boolean {
  // The peer's answer is checked for its outline only; a resources field that is no array has no links to drop.
  if (!Array.isArray(env.resources)) return false;
  let found = arraysWithOtherLinks.get(env.resources);
  if (found === undefined) arraysWithOtherLinks.set(env.resources, (found = env.resources.some(resourceHasOtherLinks)));
  return found;
}

function stagingHasOtherLinks(staging: unknown): boolean {
  if (staging === null || typeof staging !== 'object') return false;
  const { links, resources } = staging as Partial<StagingStatus>;
  const ownLinks = links !== undefined && (!Array.isArray(links) || links.some((link) => !isWebLink(link?.url)));
  return ownLinks || (Array.isArray(resources) && resources.some(resourceHasOtherLinks));
}
