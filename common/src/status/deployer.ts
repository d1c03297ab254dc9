// The deployer's status as it travels over the wire: what the transitioner and the aggregator read from `GET /status`.
// Reasons are discriminated unions with numbers, so consumers can decide on them; `ResourceStatus.reason` carries the text form.

/** Rollout state of one resource or one environment. */
export type RolloutState =
  /** Everything the repo asks for is applied and rolled out. */
  | 'Clean'
  /** Applied, and the cluster is still rolling it out. */
  | 'InProgress'
  /** The target does not run what the repo asks for yet (not applied, or an older version is live). */
  | 'Outdated'
  /** Applying or rolling out failed; the resource needs a change in the repo or on the target. */
  | 'Failed';

/** Why an object is not clean yet, or why it failed. */
export type RolloutReason =
  /** The controller has not seen the newest spec yet (`status.observedGeneration < metadata.generation`). */
  | { kind: 'NotYetObserved'; generation: number; observedGeneration: number }
  /** Fewer replicas than wanted run the newest spec. */
  | { kind: 'NotAllUpdated'; expected: number; updated: number }
  /** Replicas of an older spec are still running. */
  | { kind: 'OldReplicasPending'; count: number }
  /** Updated replicas exist but are not all available yet. */
  | { kind: 'UpdatedUnavailable'; available: number; updated: number }
  /** Fewer replicas than wanted are ready (StatefulSet). */
  | { kind: 'NotAllReady'; expected: number; ready: number }
  /** The Deployment did not progress within `progressDeadlineSeconds`. */
  | { kind: 'ProgressDeadlineExceeded'; message: string }
  /** A Job still has pods running. */
  | { kind: 'JobRunning'; active: number; succeeded: number }
  /** A Job reported its Failed condition. */
  | { kind: 'JobFailed'; message: string }
  /** The object is rendered but not (yet) found in the cluster. */
  | { kind: 'NotFound' };

/** Rollout of one Kubernetes object. */
export type ObjectRollout =
  /** Rolled out, or a kind that is clean once it exists. */
  | { state: 'Clean' }
  /** Still rolling out, with the reason. */
  | { state: 'InProgress'; reason: RolloutReason }
  /** Rollout failed, with the reason. */
  | { state: 'Failed'; reason: RolloutReason };

/** One object of a resource as it is live in the cluster. */
export interface ObjectStatus {
  apiVersion: string;
  kind: string;
  name: string;
  /** Absent for cluster-scoped objects. */
  namespace?: string;
  rollout: ObjectRollout;
}

/** An error that kept (part of) a resource from being applied, with the file it came from. */
export interface ResourceError {
  /** Stable machine-readable code, e.g. `apply-conflict`, `unknown-kind`, `missing-key`, `script-failed`. */
  code: string;
  /** Repo file the resource came from, so a user knows what to change. */
  file?: string;
  /** What went wrong, e.g. the API server's message. */
  message: string;
  /** The object the error belongs to, as `Kind namespace/name`, when it belongs to one. */
  object?: string;
}

/** Control-script states of a resource on a script target (the multi-staging model). */
export type ScriptState =
  /** `config_check` and `create` are due or running. */
  | 'CreatePending'
  /** The version file changed: `config_check` and `update` are due or running. */
  | 'UpdatePending'
  /** The resource left the repo: `archive` and `archive_check` are due or running. */
  | 'ArchivePending'
  /** Created or updated successfully. */
  | 'Running'
  /** The last script call failed; retried when the version file changes. */
  | 'Failure'
  /** Archived; cleaned up after the target's retention period. */
  | 'Archived'
  /** `cleanup` failed; the admin logs say why. */
  | 'CleanupFailed';

/** What `check` said about a script-target resource: exit 0, 1, 2 or 3. */
export type ScriptHealth = 'Healthy' | 'Down' | 'PartiallyDown' | 'TagMismatch';

/** A link printed by a control script's `info` (`name,url` CSV). */
export interface ScriptLink {
  name: string;
  url: string;
}

/** Status of one resource in one environment. */
export interface ResourceStatus {
  name: string;
  state: RolloutState;
  /** Version the repo asks for (from the version file). */
  version?: string;
  /** Version live on the target, read back from the target (`cascade.dev/version` annotations, or the script state). */
  liveVersion?: string;
  /** Text form of the first reason that keeps the resource from being clean, e.g. `NotAllUpdated 1/3`. */
  reason?: string;
  errors: ResourceError[];
  /** Kubernetes targets: the objects of the resource. */
  objects?: ObjectStatus[];
  /** Script targets: the control-script state. */
  scriptState?: ScriptState;
  /** Script targets: the last `check` result. */
  health?: ScriptHealth;
  /** Script targets: links printed by `info`. */
  links?: ScriptLink[];
}

/** Status of one environment on its target. */
export interface EnvironmentStatus {
  env: string;
  /** Name of the target from the deployer's config. */
  target: string;
  /** The repo commit the deployer last applied this environment from, completely; absent before the first pass. */
  commit?: string;
  state: RolloutState | 'Unreachable';
  /** Set while the target cannot be reached: since when (ISO 8601) and the last error. */
  unreachable?: { since: string; message: string };
  resources: ResourceStatus[];
  /** Errors concerning the whole environment, e.g. a target deployers.yaml names that the deployer does not define. */
  errors?: ResourceError[];
  /**
   * Time of the last pass that reached the target (ISO 8601). A pass that skips the environment because nothing it
   * is deployed from changed (repo folder, binding, live objects as the watches see them) keeps the time it had.
   */
  lastSuccess?: string;
}

/** The multi-staging state machine's states of one staging. */
export type StagingPhase =
  /** Created in the repo; its objects are being applied (or `create` runs) for the first time. */
  | 'CreatePending'
  /** Its settings changed; the difference is being applied (or `update` runs). */
  | 'UpdatePending'
  /** Archived in the repo; its workloads are being removed (or `archive` runs). */
  | 'ArchivePending'
  /** Deployed as its file asks and rolled out. */
  | 'Running'
  /** The last step failed; `reason` says why. Tried again when its file changes. */
  | 'Failure'
  /** Workloads removed, data (volumes, the namespace) kept for a restore. */
  | 'Archived'
  /** Marked for cleanup; its namespace and volumes are being deleted (or `cleanup` runs). */
  | 'CleanupPending'
  /** The target confirmed the cleanup: everything is gone, and the file may be removed. */
  | 'CleanedUp'
  /** The cleanup failed; `reason` says why. */
  | 'CleanupFailed'
  /** Its file cannot be used as it is (unknown kind, bad field): nothing is done for it until someone fixes it. */
  | 'Held';

/** One staging as the deployer sees it on its target. */
export interface StagingStatus {
  name: string;
  kind: string;
  /** Absent while the staging is held and its kind is unknown. */
  target?: string;
  namespace?: string;
  tag: string;
  phase: StagingPhase;
  /** Why it is pending, failed or held. */
  reason?: string;
  /** When the last step (create, update, archive, restore, cleanup) started, ISO 8601. */
  lastActionAt?: string;
  /** The repo commit the staging was last deployed from. */
  commit?: string;
  /** `https://{name}.{baseDomain}`, the hosts of its Ingresses, and what a script's `info` printed. */
  links: ScriptLink[];
  /** Its resources as on the target (objects, rollout state), like an environment's. */
  resources: ResourceStatus[];
  errors: ResourceError[];
}

/** A step of a staging's lifecycle, as the deployer carries it out on the target. */
export type StagingStepAction = 'create' | 'update' | 'archive' | 'restore' | 'cleanup';

/** One action the deployer took for a staging (`GET /stagings/:name/actions`, admins only). */
export interface StagingActionRecord {
  action: StagingStepAction;
  /** When the deployer started it (ISO 8601). */
  startedAt: string;
  /** When it succeeded, failed or was replaced by a newer change; absent while it is pending. */
  finishedAt?: string;
  durationMs?: number;
  /** `pending` until the target confirms; `superseded` when the file changed again before it was done. */
  result: 'pending' | 'succeeded' | 'failed' | 'superseded';
  /** Why it failed, or what it reached. */
  message?: string;
  /** The repo commit it was started from. */
  commit: string;
}

/** The whole `GET /status` answer of the deployer. */
export interface DeployerStatus {
  /** The newest commit the deployer has read from the repo. */
  commit?: string;
  environments: EnvironmentStatus[];
  /** Every staging of the repo; absent from deployers that predate stagings. */
  stagings?: StagingStatus[];
}
