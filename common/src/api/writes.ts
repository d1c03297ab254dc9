// Request and response bodies of the aggregator's write endpoints: version pushes, locks, rollbacks, promotions.
import type { YamlValue } from '../model/types.ts';
import type { TransitionResult } from '../status/transitioner.ts';

/** Whether a write made a new commit (HTTP 201) or found the repo already as asked (HTTP 200). */
export type WriteStatus = 'created' | 'unchanged';

/** A commit author named in a request, e.g. the author of the source change CI built. */
export interface AuthorInput {
  name: string;
  email: string;
}

/** `POST /api/v1/versions`: publish a version of a resource (CI into the entry environment; operators anywhere). */
export interface PushVersionRequest {
  /** Resource name, e.g. `shop/cart`. */
  resource: string;
  /** The version string, e.g. `1.9.3`. */
  version: string;
  /**
   * Environment to write to; default: the pipeline's entry environment (e.g. `latest`) when there is one.
   * A ci token may name only an entry environment or one of `aggregator.ciEnvironments`.
   */
  env?: string;
  /** Operator or admin only: push into a locked environment or resource anyway, for this reason (recorded as `Cascade-Lock-Override`). */
  lockOverride?: string;
  /** Further keys of the version file (`image`, `replicas`, a `config` map, …); `version` itself is not allowed here. */
  fields?: Record<string, YamlValue>;
  /**
   * Secret values, encrypted by the aggregator to the `.sops.yaml` recipients under the file's `secrets` key. They
   * replace the file's secrets: each one already there must be sent again or named in `removeSecrets`.
   */
  secrets?: Record<string, string>;
  /** Secrets of the version file to drop. */
  removeSecrets?: string[];
  /** Changelog, stored as the commit message body. */
  changelog?: string;
  /** Author of the commit; default: the token's name. The token's name is always recorded in `Cascade-Requested-By`. */
  author?: AuthorInput;
}

/** Answer of `POST /api/v1/versions`. */
export interface PushVersionResponse {
  status: WriteStatus;
  /** The commit that holds the version on the remote: the new one (201), or the one already there (200). */
  commit: string;
  resource: string;
  env: string;
  version: string;
}

/** `POST /api/v1/locks`: lock an environment, or one resource in it. */
export interface LockRequest {
  env: string;
  /** Lock only this resource; absent locks the whole environment. */
  resource?: string;
  /** Why; required, one line. Shown wherever the lock is shown. */
  reason: string;
}

/** `DELETE /api/v1/locks`: remove one reason, or every reason when `reason` is absent. */
export interface UnlockRequest {
  env: string;
  resource?: string;
  reason?: string;
}

/** Answer of `POST` and `DELETE /api/v1/locks`. */
export interface LockResponse {
  status: WriteStatus;
  /** The new commit, or the head that already had the lock state asked for. */
  commit: string;
  env: string;
  resource?: string;
  /** Reasons left on the environment (or the resource) after the write; empty means unlocked. */
  reasons: string[];
}

/** `POST /api/v1/rollbacks`: put a version the environment had before back, and lock the resource there. */
export interface RollbackRequest {
  env: string;
  resource: string;
  /** A version string the environment had, or a commit id (7 to 40 hex digits) whose version file to restore. */
  to: string;
  /** Further environments to put the same version on in the same commit, each locked too (downstream ones that took the version rolled back). */
  alsoIn?: string[];
}

/** Answer of `POST /api/v1/rollbacks`. */
export interface RollbackResponse {
  status: WriteStatus;
  commit: string;
  env: string;
  resource: string;
  /** The version now in the environment. */
  version: string;
  /** The commit the restored version file was taken from. */
  restoredFrom: string;
  /** Rollbacks are sticky: the resource is locked in the environment with this reason until someone unlocks it. */
  lock: { reason: string };
  /** A sentence for people saying what happened and how to resume promotion. */
  message: string;
  /** With `alsoIn`: every environment rolled back, the first one first, with the commit its version file was taken from. */
  environments?: Array<{ env: string; restoredFrom: string }>;
}

/** Answer of `GET /api/v1/versions?env=&resource=`: the versions one environment ran for one resource. */
export interface EnvVersions {
  env: string;
  resource: string;
  /** The version the environment has now, when it has a readable one. */
  current?: string;
  /** Newest first, each version once, with the newest commit that put it there (a rollback's `to` restores exactly that file). */
  versions: EnvVersion[];
}

/** One version an environment ran. */
export interface EnvVersion {
  version: string;
  commit: string;
  /** When that commit landed, ISO 8601. */
  time: string;
  author: { name: string; email: string };
  /** `Version`, `Transition`, `Rollback` or `Manual` (a person's commit). */
  type: string;
}

/** `POST /api/v1/promotions`: run a named transition now, through the transitioner (locks are honoured). */
export interface PromotionRequest {
  transition: string;
}

/** Answer of `POST /api/v1/promotions`: the transitioner's answer, passed through. */
export interface PromotionResponse {
  transition: string;
  /** The transitioner's HTTP status. */
  transitionerStatus: number;
  /** The run's result: `Success` (with the commit), `Skipped` (e.g. the target is locked), `Blocked` or `CheckFailed`. */
  result: TransitionResult;
}
