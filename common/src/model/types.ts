// The shared language of Cascade: what a resource repo contains once parsed.
// Every service reads the repo through these types; none re-parses files its own way.
import type { Problem } from './problem.ts';

/** A plain YAML value as parsed from a version file or a manifest. */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

/** A Kubernetes-style manifest: one YAML document, already parsed. */
export type Manifest = { [key: string]: YamlValue };

/** Version data of one resource in one environment (`<env>/version/<name>.yaml`). */
export interface VersionData {
  /** The required `version` string. */
  version: string;
  /** Every key of the file, `version` included (image, replicas, config, …); encrypted values read `(secret)`. */
  fields: { [key: string]: YamlValue };
  /** Present when the file is SOPS-encrypted: rendering it needs the deployer's keys. `paths` names the encrypted values. */
  encrypted?: { paths: string[] };
}

/** How a resource is defined in one environment. */
export type ResourceSource =
  /** `deployable/<name>.yaml`: complete manifests, used as they are. */
  | { kind: 'deployable'; file: string }
  /** `base/<name>.yaml` plus `version/<name>.yaml`, merged by the deployer. */
  | { kind: 'template'; baseFile: string; versionFile: string }
  /** A base without a version file: a template not yet released (reported, not an error). */
  | { kind: 'unreleased'; baseFile: string }
  /** A version file without a base, e.g. a control-script preview: only its version data matters. */
  | { kind: 'versionOnly'; versionFile: string };

/** One resource of one environment, as the repo defines it. */
export interface Resource {
  /** Name below `deployable/`, `base/` or `version/` without the `.yaml` ending, e.g. `shop/cart`. */
  name: string;
  env: string;
  source: ResourceSource;
  /** Parsed version data, when the resource has a valid version file. */
  version?: VersionData;
  /** Git blob ids of the files that define the resource, so callers can tell cheaply whether it changed. */
  blobs: string[];
  /**
   * Fields a staging sets over the version file's (its tag as `version`, its deployment overrides and per-resource
   * versions); rendering applies them after decrypting the version file. Absent outside stagings.
   */
  overlay?: { [key: string]: YamlValue };
  /**
   * Errors in the resource's own files (a symlink, a submodule, a file over the size bound, an unusable
   * version file, a second definition). The resource still exists: rendering it fails with these problems,
   * so it keeps its live objects, and a writer must not treat its files as absent. Absent when there are none.
   */
  problems?: Problem[];
}

/** Lock state of one environment (`<env>/locks.yaml`). Locked means at least one reason. */
export interface Locks {
  /** Reasons the whole environment is locked; empty when it is not. */
  envReasons: string[];
  /** Reasons per locked resource; resources without reasons are absent. */
  resourceReasons: Record<string, string[]>;
}

/** Name of a precondition kind known to Cascade; rules carry their own parameters. */
export type Precondition =
  /** The deployer reports the source at the current commit with every resource rolled out. */
  | { kind: 'SourceClean' }
  /** The source's versions have been in place for at least `minutes` (measured from the commit that brought them). */
  | { kind: 'SoakTime'; minutes: number };

/** One promotion rule from `transitions.yaml`; the array order is priority order. */
export interface Transition {
  name: string;
  source: string;
  target: string;
  preconditions: Precondition[];
  /** 5- or 6-field cron expression; absent means "whenever the preconditions hold". */
  schedule?: string;
  /** IANA time zone of `schedule`; UTC when absent. */
  timezone?: string;
}

/** Where one environment is deployed (`deployers.yaml`); the target itself is defined in the deployer's config. */
export interface DeployerBinding {
  env: string;
  /** Name of a target in the deployer's own config. */
  target: string;
  /** Kubernetes namespace for the environment's objects (kubernetes targets). */
  namespace?: string;
  /** Delete objects Cascade applied for this environment that the repo no longer has. */
  prune: boolean;
  /** Put back fields changed by hand on every loop. */
  selfHeal: boolean;
  /** Let prune delete everything when the environment renders no object at all; off, since that is usually a mistake. */
  allowEmpty: boolean;
}

/** What the transitioner stored about one transition's schedule (`transition_state.yaml`). */
export interface TransitionState {
  /** Next time the schedule opens a window, ISO 8601. */
  nextRun?: string;
  /** Time of the last successful run, ISO 8601. */
  lastRun?: string;
  /** The cron expression `nextRun` was computed for; when the rule's differs, `nextRun` is computed again. Absent in entries older than this field. */
  schedule?: string;
  /** The time zone `nextRun` was computed for, absent for UTC; compared like `schedule`. */
  timezone?: string;
}

/** One environment folder of the repo. */
export interface Environment {
  name: string;
  resources: Map<string, Resource>;
  locks: Locks;
  /**
   * Why the environment's set of resources cannot be trusted: a resource folder that is not a folder, or a
   * path below one whose name is refused, so some resource may be missing from `resources`. While present,
   * the deployer must delete (prune) nothing in this environment. Absent when pruning is safe.
   */
  pruneHold?: Problem[];
}

/** One kind of staging from `stagings.yaml`: what its stagings copy and where they run. */
export interface StagingKind {
  name: string;
  /** The environment whose resources each staging renders. */
  template: string;
  /** Name of a target in the deployer's own config (kubernetes or script). */
  target: string;
  /** Namespace of each staging, with `{name}` standing for the staging's name (kubernetes targets). */
  namespace?: string;
  /** Each staging is reachable at `https://{name}.{baseDomain}`. */
  baseDomain?: string;
  /** Archive a staging nobody updated for this long; never when absent. */
  archiveAfterMs?: number;
  /** Clean up (volumes too) this long after archiving. */
  retentionMs: number;
  /** Most active (not archived) stagings of this kind; unlimited when absent. */
  limit?: number;
}

/** What a staging file asks for: run it, keep it archived (data kept), or remove it with its data. */
export type StagingIntent = 'active' | 'archived' | 'cleanup';

/** One staging (`stagings/<name>.yaml`): a short-lived copy of its kind's template environment. */
export interface Staging {
  /** The file name without `.yaml`: a DNS label. */
  name: string;
  file: string;
  /** Git blob id of the file, so callers can tell cheaply whether it changed. */
  blob: string;
  kind: string;
  /** `$version` (the `version` field) of every resource of the template. */
  tag: string;
  /** Per resource: fields merged over the template's version file. */
  versions: Record<string, { [key: string]: YamlValue }>;
  /** Application configuration (the `cascade-app` ConfigMap, `--application-config` of scripts). */
  app: Record<string, string>;
  /** Deployment fields merged into every resource's version data (replicas, sizes), `--deployment-config` of scripts. */
  deployment: { [key: string]: YamlValue };
  /** Names of the encrypted application secrets (`secrets.app`); their values need the deployer's keys. */
  secretKeys: string[];
  /** Present when the file is SOPS-encrypted: `paths` names the encrypted values. */
  encrypted?: { paths: string[] };
  state: StagingIntent;
  /** When it was archived (ISO 8601); the retention counts from here. */
  archivedAt?: string;
  /** When Cascade last wrote its settings (ISO 8601); `archiveAfter` counts from here. */
  updatedAt?: string;
  /** The branch it was deployed from (`cascade staging deploy --from-branch`), so another branch cannot take its name. */
  branch?: string;
  /**
   * Why the file cannot be used as it is. The staging still exists, held as it is (nothing created, archived or
   * removed for it), since a broken file must never read as "gone". Absent when there are none.
   */
  problems?: Problem[];
}

/** Everything Cascade knows about the repo at one commit, with every problem found on the way. */
export interface Snapshot {
  commit: string;
  /** Environments by name, in pipeline order where transitions.yaml defines one, then alphabetical. */
  environments: Map<string, Environment>;
  transitions: Transition[];
  deployers: Map<string, DeployerBinding>;
  transitionState: Record<string, TransitionState>;
  /** Staging kinds from `stagings.yaml`. */
  stagingKinds: Map<string, StagingKind>;
  /** Stagings by name, from `stagings/<name>.yaml`; a file that cannot be read is left out, its problems listed. */
  stagings: Map<string, Staging>;
  problems: Problem[];
}

/** A resource rendered into the manifests to apply, or the problems that kept it from rendering. */
export type RenderedResource =
  | { ok: true; env: string; name: string; version?: string; manifests: Manifest[]; sourceFiles: string[] }
  | { ok: false; env: string; name: string; problems: Problem[] };
