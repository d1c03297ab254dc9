// The deployer's status as JSON pieces and its entity tag, built from pieces serialised and hashed once: an environment
// a pass left as it was keeps its resources array, and a resource whose status did not change its object, so their
// bytes and digest are reused, and a peer asking again (transitioner, aggregators) costs what changed, not the size
// of the status.
import { createHash } from 'node:crypto';
import type { DeployerStatus, DeployerStatusDelta, ResourceStatus } from '@cascade/common';
import { deployerStatusDelta, placesChangedBetween } from '@cascade/common';

/** A resources array: a digest of its content, the sums it was made from, and its JSON built only when asked for. */
interface ResourcesPart {
  /** The array's JSON as UTF-8, kept while the array is its environment's: outside the V8 heap, so never marked. */
  bytes(): Uint8Array<ArrayBuffer>;
  /** Lets go of the bytes, once another array is its environment's: kept statuses (RecentStatuses) keep old arrays. */
  forgetBytes(): void;
  digest: string;
  /** The array the part describes, and the lane-wise sums of its positions' hashes (see positionHash). */
  resources: readonly ResourceStatus[];
  sums: Uint32Array;
}

const resourcesParts = new WeakMap<readonly ResourceStatus[], ResourcesPart>();
const resourceDigests = new WeakMap<ResourceStatus, string>();
/** Each environment's last resources part: a new array of the same length is worked out from it by what it replaced. */
const lastParts = new Map<string, ResourcesPart>();

/** The status's entity tag, and its JSON made only when asked for (a `304` needs none). */
export interface StatusEntity {
  etag: string;
  /**
   * The JSON as UTF-8 pieces, in order: the small parts made at each call, and each environment's resources array as
   * kept (shared by every answer, never copied). Nothing is joined or kept for the call: a status that changed one
   * environment costs that environment's JSON, and many answers at once hold one copy of the arrays between them.
   */
  pieces(): Uint8Array[];
}

const entities = new WeakMap<DeployerStatus, StatusEntity>();

/**
 * The status's JSON (as pieces) and a strong entity tag for it, worked out once per status object (the service hands out
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
    return { head: JSON.stringify(envRest), resources: resourcesPart(environment.env, resources) };
  });
  // Environments that went (stagings archived) let go of their last arrays.
  if (lastParts.size > environments.length) {
    const present = new Set(environments.map((environment) => environment.env));
    for (const env of lastParts.keys()) if (!present.has(env)) lastParts.delete(env);
  }
  const hash = createHash('sha1').update(head);
  // Separators keep two different splits of the same characters apart.
  for (const part of parts) hash.update('\0').update(part.head).update('\0').update(part.resources.digest);
  return {
    etag: `"${hash.digest('base64url')}"`,
    // Neither the joined text nor joined bytes are kept: at 10,000 resources × 4 each was some 20 MB beside the
    // parts, for an answer asked for now and then (a peer far behind, a monitor).
    pieces: () => {
      const pieces: Uint8Array[] = [];
      let text = `${head.slice(0, -1)}${head === '{}' ? '' : ','}"environments":[`;
      parts.forEach((part, index) => {
        text += `${index === 0 ? '' : ','}${part.head.slice(0, -1)}${part.head === '{}' ? '' : ','}"resources":`;
        pieces.push(Buffer.from(text), part.resources.bytes());
        text = '}';
      });
      pieces.push(Buffer.from(`${text}]}`));
      return pieces;
    },
  };
}

/**
 * A resources array's digest. It hashes the sums of a hash per position (the position and its resource's digest,
 * worked out once per resource object), so a new array of an environment costs a comparison per position with the
 * environment's last array and a hash per position that changed: a watch event that changes one resource of
 * thousands makes a new array, and peers ask for each. The JSON is made only when a whole status is asked for
 * (peers ask for deltas).
 */
function resourcesPart(env: string, resources: readonly ResourceStatus[]): ResourcesPart {
  const last = lastParts.get(env);
  let part = resourcesParts.get(resources);
  if (part === undefined) {
    const sums = last !== undefined && last.resources.length === resources.length ? movedSums(last, resources) : positionSums(resources);
    let bytes: Uint8Array<ArrayBuffer> | undefined;
    const encode = () => new TextEncoder().encode(JSON.stringify(resources));
    part = { digest: partDigest(resources.length, sums), resources, sums, bytes: () => (bytes ??= encode()), forgetBytes: () => (bytes = undefined) };
    resourcesParts.set(resources, part);
  }
  if (last !== part) last?.forgetBytes();
  lastParts.set(env, part);
  return part;
}

/** The digest of an array of `length` resources whose position hashes add up to `sums`. */
function partDigest(length: number, sums: Uint32Array): string {
  const bytes = Buffer.alloc(LANES * 4);
  // Written little-endian whatever the machine, so every replica tags the same status alike.
  for (let lane = 0; lane < LANES; lane++) bytes.writeUInt32LE(sums[lane]!, lane * 4);
  return createHash('sha1').update(`${length}\0`).update(bytes).digest('base64url');
}

/** Lanes of a position hash (sha1's 20 bytes as 32-bit words), summed lane by lane modulo 2³². */
const LANES = 5;

/** The lane-wise sums of every position's hash. */
function positionSums(resources: readonly ResourceStatus[]): Uint32Array {
  const sums = new Uint32Array(LANES);
  for (let index = 0; index < resources.length; index++) addLanes(sums, positionHash(index, resources[index]!), 1);
  return sums;
}

/** `last`'s sums with each position that holds another object in `resources` taken out and put in again. */
function movedSums(last: ResourcesPart, resources: readonly ResourceStatus[]): Uint32Array {
  const sums = last.sums.slice();
  // Lists of one line (one made from the other, or both from one list) differ at the places replaced on the way only.
  const places = placesChangedBetween(last.resources, resources);
  for (const index of places ?? resources.keys()) {
    const before = last.resources[index]!;
    const after = resources[index]!;
    if (before === after) continue;
    addLanes(sums, positionHash(index, before), -1);
    addLanes(sums, positionHash(index, after), 1);
  }
  return sums;
}

/** The hash of resource status `resource` at position `index`: the same status elsewhere in the list hashes otherwise. */
function positionHash(index: number, resource: ResourceStatus): Buffer {
  return createHash('sha1').update(`${index}\0${resourceDigest(resource)}`).digest();
}

function addLanes(sums: Uint32Array, hash: Buffer, sign: 1 | -1): void {
  // Uint32Array stores modulo 2³², so a subtraction wraps as the addition it undoes.
  for (let lane = 0; lane < LANES; lane++) sums[lane] = sums[lane]! + sign * hash.readUInt32LE(lane * 4);
}

/**
 * The digest of a resource status's text, once per object: a pass hands out the same object for a resource whose
 * status did not change. The text itself is not kept (at 10,000 resources × 4 that is tens of megabytes held for the
 * rare whole status); the resources array's bytes are, once asked for, as long as the array is current.
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
