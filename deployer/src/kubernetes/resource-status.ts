// Combines the live objects of one resource into its status: state, live version, reason, errors. No I/O.
import type { Manifest, ObjectStatus, ResourceError, ResourceStatus, RolloutReason } from '@cascade/common';
import { merged } from '@cascade/common';
import { formatRolloutReason } from './reason-text.ts';
import { CONTENT_HASH_ANNOTATION, VERSION_ANNOTATION, readAnnotation } from './labels.ts';
import type { ObjectRef } from './object-key.ts';
import { rolloutStatus } from './rollout.ts';

/** One object the repo wants for a resource, with what the cluster has under its name. */
export interface ObservedObject {
  ref: ObjectRef;
  /** Hash of what Cascade applies; the live object is outdated until its annotation matches. */
  contentHash: string;
  live?: Manifest;
}

/** What the deployer saw of one resource after a pass. */
export interface ResourceObservation {
  name: string;
  /** Version the repo asks for. */
  version?: string;
  objects: ObservedObject[];
  errors: ResourceError[];
}

/** Status of one resource: Failed on any error or failed rollout, Outdated until every object is live as rendered, then InProgress until rolled out. */
export function resourceStatus(observed: ResourceObservation): ResourceStatus {
  const objects = observed.objects.map((o) => objectStatus(o));
  const liveVersions = observed.objects.flatMap((o) => (o.live === undefined ? [] : [readAnnotation(o.live, VERSION_ANNOTATION)]));
  const liveVersion = liveVersions.find((v) => v !== observed.version) ?? liveVersions[0];
  // One per resource of every environment, kept: merged gives them one hidden class per state (see merged).
  const base = {
    name: observed.name,
    ...(observed.version === undefined ? {} : { version: observed.version }),
    ...(liveVersion === undefined ? {} : { liveVersion }),
    errors: observed.errors,
    objects,
  };
  if (observed.errors.length > 0) return merged(base, { state: 'Failed', reason: observed.errors[0]?.message });
  const failed = objects.find((o) => o.rollout.state === 'Failed');
  if (failed !== undefined && failed.rollout.state === 'Failed') return merged(base, { state: 'Failed', reason: formatRolloutReason(failed.rollout.reason) });
  const outdated = observed.objects.find((o) => o.live === undefined || readAnnotation(o.live, CONTENT_HASH_ANNOTATION) !== o.contentHash);
  if (outdated !== undefined) return merged(base, { state: 'Outdated', reason: outdated.live === undefined ? 'NotFound' : `NotApplied ${outdated.ref.kind} ${outdated.ref.name}` });
  const reason = objects.map((o) => (o.rollout.state === 'InProgress' ? o.rollout.reason : undefined)).find((r): r is RolloutReason => r !== undefined);
  if (reason !== undefined) return merged(base, { state: 'InProgress', reason: formatRolloutReason(reason) });
  return merged(base, { state: 'Clean' });
}

function objectStatus(observed: ObservedObject): ObjectStatus {
  const { ref, live } = observed;
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    name: ref.name,
    ...(ref.namespace === undefined ? {} : { namespace: ref.namespace }),
    rollout: live === undefined ? { state: 'InProgress', reason: { kind: 'NotFound' } } : rolloutStatus(live),
  };
}
