// Links in the deployer's status come from control scripts' `info` output: only http(s) URLs reach a browser.
import type { DeployerStatus, EnvironmentStatus, ResourceStatus } from '@cascade/common';
import type { PeerStatus } from '@cascade/common/api';
import { isWebLink } from '@cascade/common/api';

/** The deployer's status with every link that is not an http(s) URL (`javascript:`, `data:`, …) dropped. */
export function withWebLinksOnly(peer: PeerStatus<DeployerStatus>): PeerStatus<DeployerStatus> {
  if (peer.state !== 'ok' || !peer.status.environments.some(hasOtherLinks)) return peer;
  return { ...peer, status: { ...peer.status, environments: peer.status.environments.map((env) => (hasOtherLinks(env) ? { ...env, resources: env.resources.map(resourceWithWebLinks) } : env)) } };
}

// The peer's answer is checked only for its outline, so `links` is treated as untrusted JSON here.
function resourceWithWebLinks(resource: ResourceStatus): ResourceStatus {
  if (resource?.links === undefined) return resource;
  return { ...resource, links: Array.isArray(resource.links) ? resource.links.filter((link) => isWebLink(link?.url)) : [] };
}

function hasOtherLinks(env: EnvironmentStatus): boolean {
  return env.resources.some((r) => r?.links !== undefined && (!Array.isArray(r.links) || r.links.some((link) => !isWebLink(link?.url))));
}
