// `GET /api/v1/status`: the repo analysis merged with the deployer's and the transitioner's own statuses.
import type { Problem } from '../model/problem.ts';
import type { ResourceSource, Transition, TransitionState, YamlValue } from '../model/types.ts';
import type { DeployerStatus } from '../status/deployer.ts';
import type { TransitionerStatus } from '../status/transitioner.ts';
import type { StagingView } from './stagings.ts';

/** Another service's status as the aggregator last saw it; an unreachable service is reported, never fatal. */
export type PeerStatus<T> =
  /** The last poll answered. */
  | { state: 'ok'; url: string; fetchedAt: string; status: T }
  /** The last poll failed since `since`; `message` says how. */
  | { state: 'unreachable'; url: string; since: string; message: string }
  /** Not polled yet (the aggregator just started). */
  | { state: 'unknown'; url: string };

/** One environment of the pipeline. */
export interface EnvironmentView {
  name: string;
  /** Reasons of the environment lock; empty when the environment is not locked. */
  lockReasons: string[];
  /** Who added each reason of the environment lock and when; absent when none is known. */
  lockOrigins?: LockOriginView[];
  /** Where `deployers.yaml` deploys the environment, when it does. */
  deployer?: { target: string; namespace?: string };
}

/**
 * Who added one lock reason and when: the commit that first put the reason into `locks.yaml` (a Cascade lock, a
 * rollback, or a person's edit). Reasons added before the commits looked at have none.
 */
export interface LockOriginView {
  reason: string;
  /** Author of that commit: the person or token that locked. */
  by: string;
  /** Time of that commit, ISO 8601. */
  at: string;
  commit: string;
}

/** What stands in `ResourceInEnv.fields` for a value the caller may not see; `withheld` lists where. */
export const WITHHELD = '[hidden]';

/** A problem in one of a resource's own files, where it is and what to change; never holds a secret value. */
export type ResourceProblem = Pick<Problem, 'file' | 'line' | 'col' | 'code' | 'message'>;

/** One resource in one environment, as the repo defines it. */
export interface ResourceInEnv {
  /** How the environment defines the resource (template, deployable, unreleased base, version file only). */
  kind: ResourceSource['kind'];
  /** The version in the environment's version file, when it has a valid one. */
  version?: string;
  /**
   * Every key of the version file. For a caller without `secrets:read`, the value of each `config` and
   * `deploymentConfig` key not declared public (`aggregator.publicConfig`), and of each other top-level key that
   * names a secret, is WITHHELD; nested keys that name secrets are `[redacted]`.
   */
  fields?: Record<string, YamlValue>;
  /**
   * Where `fields` holds WITHHELD instead of a value: `config.KEY`, `deploymentConfig.KEY`, or a top-level key (the
   * whole `config` when it is not a map). Absent when nothing is withheld.
   */
  withheld?: string[];
  /**
   * The version file's encrypted values, for every caller alike: their keys and who set them, never a value (not
   * even encrypted). Their keys are left out of `fields`. Absent when the file has none.
   */
  secrets?: SecretKeyView[];
  /** Reasons of the resource's own lock; the environment lock is in EnvironmentView. */
  lockReasons: string[];
  /** Who added each reason of the resource's own lock and when; absent when none is known. */
  lockOrigins?: LockOriginView[];
  /** True when the resource takes no transitions here: its own lock or the environment's. */
  locked: boolean;
  /**
   * Why the resource's own files cannot be read (a symlink, over the size bound, not UTF-8, a broken version
   * file, a second definition): it is not deployed here and its live objects stay. Absent when there are none.
   */
  problems?: ResourceProblem[];
}

/** One encrypted value of a version file: where it is and which commit set it. */
export interface SecretKeyView {
  /** Key path in the version file, e.g. `secrets.API_KEY`. */
  key: string;
  /** Author of the commit that set the current encrypted value (a transition copies it unchanged, so this is who set it). */
  setBy?: string;
  /** Time of that commit, ISO 8601. */
  setAt?: string;
  commit?: string;
}

/** A version of a resource Cascade has seen, with what it knows of its origin. */
export interface KnownVersion {
  version: string;
  /** The commit that introduced it, when it is within the indexed history. */
  commit?: string;
  /** Time of that commit, ISO 8601. */
  time?: string;
  /** Author of that commit. */
  author?: string;
  /** Changelog (that commit's message body). */
  changelog?: string;
  /** Environment the version entered the repo in. */
  env?: string;
  /** Environments whose version file holds this version now. */
  presentIn: string[];
}

/** One resource across the pipeline. */
export interface ResourceView {
  name: string;
  /** Per environment name; environments without the resource are absent. */
  envs: Record<string, ResourceInEnv>;
  /** Known versions, newest first (bounded; see the aggregator docs). */
  versions: KnownVersion[];
}

/** One transition rule with its schedule state. */
export interface TransitionView extends Transition {
  /** What `transition_state.yaml` says: next scheduled run, last run. */
  state?: TransitionState;
}

/** The whole answer of `GET /api/v1/status`. */
export interface AggregatorStatus {
  /** The repo commit analysed; null while the branch does not exist yet. */
  commit: string | null;
  /** Environments in pipeline order. */
  environments: EnvironmentView[];
  /** Resources by name. */
  resources: ResourceView[];
  /** Transitions in priority order. */
  transitions: TransitionView[];
  /** Every problem found in the repo. */
  problems: Problem[];
  deployer: PeerStatus<DeployerStatus>;
  /** The transitioner's `GET /status` answer. */
  transitioner: PeerStatus<TransitionerStatus>;
  /** Every staging of the repo, by name, with the deployer's phase; absent from aggregators that predate stagings. */
  stagings?: StagingView[];
}
