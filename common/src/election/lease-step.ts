// What a replica does next with one Lease, decided from what it has observed (pure; the elector does the I/O).
// As in client-go, expiry is judged by when this replica last saw the record change, on its own clock, never by
// the holder's timestamps, so clocks that disagree between machines cannot make two replicas act at once.

/** A Lease as a replica reads it. */
export interface LeaseRecord {
  /** `spec.holderIdentity`; undefined or empty when nobody holds it (released). */
  holder: string | undefined;
  /** `spec.leaseDurationSeconds` in ms: how long the holder may go without renewing. */
  durationMs: number;
  /** `metadata.resourceVersion`: every renewal changes it, so an unchanged one means nobody renewed. */
  version: string;
  /** `spec.leaseTransitions`. */
  transitions: number;
  /** The holder's base URL (annotation `cascade.dev/address`), for the services that call it. */
  address?: string;
}

/** A record and when (monotonic ms of the observer) it was first seen with this version. */
export interface Observed {
  record: LeaseRecord;
  seenAt: number;
}

/** The next step: create the Lease, renew ours, take a free or expired one, or wait for the holder. */
export type LeaseStep =
  | { kind: 'create' }
  | { kind: 'renew' }
  | { kind: 'take' }
  | { kind: 'wait'; holder: string; expiresInMs: number };

/** Decides the step for `identity` from the last observation (undefined: the Lease does not exist) at monotonic time `now`. */
export function nextLeaseStep(observed: Observed | undefined, identity: string, now: number): LeaseStep {
  if (observed === undefined) return { kind: 'create' };
  const { holder, durationMs } = observed.record;
  if (holder === identity) return { kind: 'renew' };
  if (holder === undefined || holder === '') return { kind: 'take' };
  const expiresInMs = observed.seenAt + durationMs - now;
  return expiresInMs <= 0 ? { kind: 'take' } : { kind: 'wait', holder, expiresInMs };
}

/** The observation after reading `record` at `now`: a record whose version did not change keeps its first sighting. */
export function observe(previous: Observed | undefined, record: LeaseRecord | undefined, now: number): Observed | undefined {
  if (record === undefined) return undefined;
  if (previous !== undefined && previous.record.version === record.version) return { record, seenAt: previous.seenAt };
  return { record, seenAt: now };
}

/** Whether an observed holder still counts as alive at `now` (a record nobody renewed for its duration does not). */
export function heldByOther(observed: Observed | undefined, identity: string, now: number): boolean {
  return nextLeaseStep(observed, identity, now).kind === 'wait';
}
