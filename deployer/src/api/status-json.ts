// The deployer's status as JSON text and its entity tag, built from pieces serialised and hashed once: an environment
// a pass left as it was keeps its resources array, and a resource whose status did not change its object, so their
// text and digest are reused, and a peer asking again (transitioner, aggregators) costs what changed, not the size
// of the status.
import { createHash } from 'node:crypto';
import type { DeployerStatus, DeployerStatusDelta, EnvironmentStatus, ResourceStatus } from '@cascade/common';
import { deployerStatusDelta } from '@cascade/common';

/** A resources array: a digest of its content, and its text built only when asked for. */
interface ResourcesPart {
  text(): string;
  digest: string;
}

const resourcesParts = new WeakMap<readonly ResourceStatus[], ResourcesPart>();
const resourceDigests = new WeakMap<ResourceStatus, string>();

/** The status's entity tag, and its text built only when asked for (a `304` needs none). */
export interface StatusEntity {
  etag: string;
  text(): string;
  /** The text as UTF-8, encoded once: every peer asking for the same status gets the same bytes. */
  bytes(): Uint8Array<ArrayBuffer>;
}

const entities = new WeakMap<DeployerStatus, StatusEntity>();

/**
 * The status's JSON text and a strong entity tag for it, worked out once per status object (the service hands out
 * the same object until a pass changes something, and every peer asks for it). The tag hashes the small parts and the digest of each
 * resources array, which is hashed once per array: equal statuses get equal tags, and any change gives another.
 */
export function deployerStatusEntity(status: DeployerStatus): StatusEntity {
  let entity = entities.get(status);
  if (entity === undefined) entities.set(status, (entity = buildEntity(status)));
  return entity;
}

function buildEntity(status: DeployerStatus): StatusEntity {
  const { environments, ...rest } = status;
  const head = JSON.stringify(rest);
  const parts = environments.map((environment) => {
    const { resources, ...envRest } = environment;
    return { head: JSON.stringify(envRest), resources: resourcesPart(resources) };
  });
  const hash = createHash('sha1').update(head);
  // Separators keep two different splits of the same characters apart.
  for (const part of parts) hash.update('\0').update(part.head).update('\0').update(part.resources.digest);
  let text: string | undefined;
  let bytes: Uint8Array<ArrayBuffer> | undefined;
  const entity: StatusEntity = {
    etag: `"${hash.digest('base64url')}"`,
    text: () => {
      const envs = parts.map((part) => `${part.head.slice(0, -1)}${part.head === '{}' ? '' : ','}"resources":${part.resources.text()}}`).join(',');
      return (text ??= `${head.slice(0, -1)}${head === '{}' ? '' : ','}"environments":[${envs}]}`);
    },
    bytes: () => (bytes ??= new TextEncoder().encode(entity.text())),
  };
  return entity;
}

/** `JSON.stringify(status)`, with each environment's resources serialised once per array. */
export function deployerStatusJson(status: DeployerStatus): string {
  return deployerStatusEntity(status).text();
}

/**
 * A resources array's digest, from the digests of its resources' texts (each worked out once per resource object):
 * a pass that changes a few of thousands of resources hashes a digest per resource, not megabytes of text, and the
 * text is joined only when a whole status is asked for (peers ask for deltas).
 */
function resourcesPart(resources: EnvironmentStatus['resources']): ResourcesPart {
  let part = resourcesParts.get(resources);
  if (part === undefined) {
    // Digests have one length, so their concatenation tells arrays apart without separators.
    const hash = createHash('sha1');
    for (const resource of resources) hash.update(resourceDigest(resource));
    let text: string | undefined;
    part = { digest: hash.digest('base64url'), text: () => (text ??= JSON.stringify(resources)) };
    resourcesParts.set(resources, part);
  }
  return part;
}

/**
 * The digest of a resource status's text, once per object: a pass hands out the same object for a resource whose
 * status did not change. The text itself is not kept (at 10,000 resources × 4 that is tens of megabytes held for the
 * rare whole status); the resources array's text is, once asked for, as long as the array is current.
 */
function resourceDigest(resource: ResourceStatus): string {
  let digest = resourceDigests.get(resource);
  if (digest === undefined) resourceDigests.set(resource, (digest = createHash('sha1').update(JSON.stringify(resource)).digest('base64url')));
  return digest;
}

/**
 * Statuses peers may still hold, by entity tag: how many are kept to answer `GET /status?since=` with a delta. Each
 * peer (the transitioner, each aggregator) holds the last one it was sent; a kept status shares every report that
 * did not change with the current one, but while a large environment changes everywhere (a first apply) each is
 * nearly a copy, so only a few are kept.
 */
const KEPT_STATUSES = 4;

/**
 * The last statuses handed out, by entity tag, so a peer that names the one it holds (`?since=`) is sent what
 * changed since. A peer further behind, or one that names a tag never handed out, gets the whole status.
 */
export class RecentStatuses {
  private readonly byTag = new Map<string, DeployerStatus>();

  /** Remembers `status` as the newest one with its tag; the oldest beyond the bound is forgotten. */
  remember(etag: string, status: DeployerStatus): void {
    this.byTag.delete(etag);
    this.byTag.set(etag, status);
    if (this.byTag.size > KEPT_STATUSES) this.byTag.delete(this.byTag.keys().next().value!);
  }

  /** What changed from the status tagged `since` to `status`; undefined when that one is not kept or the environments differ. */
  deltaTo(status: DeployerStatus, since: string): DeployerStatusDelta | undefined {
    const before = this.byTag.get(since);
    return before === undefined ? undefined : deployerStatusDelta(before, status, since);
  }
}
