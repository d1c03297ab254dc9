// `/api/v1/stagings`: short-lived copies of an environment per feature, as the repo asks for them and the deployer runs them.
import type { StagingIntent, StagingKind, YamlValue } from '../model/types.ts';
import type { ResourceError, ResourceStatus, StagingActionRecord, StagingPhase } from '../status/deployer.ts';
import type { ResourceProblem, SecretKeyView } from './status.ts';
import type { WriteStatus } from './writes.ts';

/** Every action a staging commit records in its `Cascade-Action` trailer. */
export const STAGING_ACTIONS = ['create', 'update', 'archive', 'restore', 'cleanup', 'remove'] as const;

/** What a staging commit did, from its `Cascade-Action` trailer. */
export type StagingAction = (typeof STAGING_ACTIONS)[number];

/** A link to a running staging: `https://{name}.{baseDomain}`, an Ingress host, or what a control script's `info` printed. */
export interface StagingLink {
  name: string;
  /** Always an http(s) URL. */
  url: string;
}

/** The last commit that changed a staging's file. */
export interface StagingChange {
  commit: string;
  /** Author time, ISO 8601. */
  time: string;
  /** The commit author: the token's name for changes made through the API. */
  author: string;
  /** From `Cascade-Action`; absent for a person's commit. */
  action?: StagingAction;
}

/** One staging as lists show it: what its file asks, what the deployer reports, and when it is archived or cleaned up. */
export interface StagingView {
  name: string;
  kind: string;
  tag: string;
  /** What the file asks for. */
  state: StagingIntent;
  /** What the deployer reports; absent while it has not reported the staging (or cannot be reached). */
  phase?: StagingPhase;
  /** Why it is pending, failed or held. */
  reason?: string;
  links: StagingLink[];
  /** Its namespace, from the kind's pattern (kubernetes targets). */
  namespace?: string;
  /** The kind's target. */
  target?: string;
  /** The branch it was deployed from, when CI created it from one. */
  branch?: string;
  /** When Cascade last wrote its settings, ISO 8601. */
  updatedAt?: string;
  /** When it was archived, ISO 8601. */
  archivedAt?: string;
  /** When it will be archived for lack of updates: `updatedAt` + the kind's `archiveAfter`. Active stagings only. */
  archiveAt?: string;
  /** When it will be cleaned up: `archivedAt` + the kind's `retention`. Archived stagings only. */
  cleanupAt?: string;
  /** The newest commit that changed its file, within the indexed history. */
  lastChange?: StagingChange;
  /** Its secret application config: keys and who set them, never a value. */
  secrets: SecretKeyView[];
  /** Why its file cannot be used as it is (it is held); absent when there are none. */
  problems?: ResourceProblem[];
}

/** One kind of `stagings.yaml`, with how many of its stagings count against its limit. */
export interface StagingKindView extends StagingKind {
  /** Stagings of the kind that count against `limit`: active ones, and archived ones whose archive is still pending. */
  counted: number;
}

/** Answer of `GET /api/v1/stagings`. */
export interface StagingList {
  /** By name. */
  stagings: StagingView[];
  /** The kinds of `stagings.yaml`, in file order. */
  kinds: StagingKindView[];
}

/** One commit of a staging's history. */
export interface StagingHistoryEntry {
  commit: string;
  /** Author time, ISO 8601. */
  time: string;
  author: string;
  /** From `Cascade-Action`; absent for a person's commit. */
  action?: StagingAction;
  subject: string;
  /** The token that asked for it (`Cascade-Requested-By`), for commits made through the API. */
  requestedBy?: string;
}

/** Answer of `GET /api/v1/stagings/{name}`: the list entry, its settings, its history and its resources. */
export interface StagingDetail extends StagingView {
  /** Per resource: fields merged over the template's version file. */
  versions: Record<string, Record<string, YamlValue>>;
  /** Application config (`overrides.app`); values the caller may not see are `[hidden]`. */
  app: Record<string, string>;
  /** Deployment config (`overrides.deployment`); values the caller may not see are `[hidden]`. */
  deployment: Record<string, YamlValue>;
  /** Where `app` or `deployment` holds `[hidden]`: `app.KEY`, `deployment.KEY`. Absent when nothing is withheld. */
  withheld?: string[];
  /** Commits that changed its file, newest first (a bounded number). */
  history: StagingHistoryEntry[];
  /** Its resources as the deployer reports them: versions, rollout state, objects, script state. */
  resources: ResourceStatus[];
  /** Errors the deployer reports for the staging as a whole. */
  errors: ResourceError[];
  /** When the deployer started its last step, ISO 8601. */
  lastActionAt?: string;
  /** The repo commit the deployer last deployed it from. */
  deployedCommit?: string;
}

/** `POST /api/v1/stagings`: create a staging, named directly or after a branch. */
export interface CreateStagingRequest {
  /** The staging's name, a DNS label; give this or `fromBranch`. */
  name?: string;
  /** Name the staging after this branch (normalised) and record it, so only this branch's CI may archive it. */
  fromBranch?: string;
  kind: string;
  /** `$version` of every resource of the template. */
  tag: string;
  /** Per resource: fields merged over the template's version file. */
  versions?: Record<string, Record<string, YamlValue>>;
  /** Application config (`overrides.app`): variable name → value. */
  app?: Record<string, string>;
  /** Deployment config (`overrides.deployment`), merged into every resource's version data. */
  deployment?: Record<string, YamlValue>;
  /** Secret application config: encrypted by the aggregator before anything is written, never shown again. */
  secrets?: Record<string, string>;
}

/** `POST /api/v1/stagings/deploy`: create the staging, or update it to exactly these settings (CI, on every push). */
export interface DeployStagingRequest extends CreateStagingRequest {
  /** Secrets of the staging to drop. */
  removeSecrets?: string[];
}

/** `PATCH /api/v1/stagings/{name}`: change settings; each field given replaces that field as a whole. */
export interface UpdateStagingRequest {
  tag?: string;
  versions?: Record<string, Record<string, YamlValue>>;
  app?: Record<string, string>;
  deployment?: Record<string, YamlValue>;
  /** Replaces the staging's secrets: each one already there must be sent again or named in `removeSecrets`. */
  secrets?: Record<string, string>;
  removeSecrets?: string[];
}

/** `POST /api/v1/stagings/archive`: archive the staging deployed from a branch (CI, when the branch is merged or deleted). */
export interface ArchiveBranchRequest {
  fromBranch: string;
}

/** Answer of every staging write. */
export interface StagingWriteResponse {
  status: WriteStatus;
  /** The new commit, or the head that already had the staging as asked. */
  commit: string;
  name: string;
  /** What the commit did (for `unchanged`: what was asked). */
  action: StagingAction;
  state: StagingIntent;
  kind: string;
  tag: string;
  branch?: string;
  namespace?: string;
  links: StagingLink[];
  /** A sentence saying what happened and what follows. */
  message: string;
}

/** One control-script run of a staging on a script target, as the deployer keeps it (admins only: output may quote config). */
export interface StagingScriptRun {
  /** The control script: `create`, `update`, `check`, `info`, … */
  action: string;
  /** The arguments it got, without the script's own path (config values go through a private file, not argv, unless the target says otherwise). */
  args: string[];
  /** ISO 8601. */
  startedAt: string;
  durationMs: number;
  /** Null when it did not exit by itself (killed on timeout, or it could not start). */
  exitCode: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Why it could not start, e.g. missing or not executable. */
  startError?: string;
}

/** Answer of `GET /api/v1/stagings/{name}/actions`: what the deployer did for the staging, oldest first. */
export interface StagingActionLog {
  name: string;
  /** Each step (create, update, archive, restore, cleanup) the deployer took, with its result and duration. */
  actions: StagingActionRecord[];
  /** The control-script runs the deployer keeps for it; present for stagings on script targets only. */
  scriptRuns?: StagingScriptRun[];
}
