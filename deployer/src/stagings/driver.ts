// What the deployer asks of a target for one staging: make it match its file (run, archived, cleaned up), and report it.
import type { RenderedResource, Resource, ScriptLink, StagingStepAction, StagingDeployment, StagingStatus } from '@cascade/common';

/** The step a staging is on, decided from its file and what was done before (see actions.ts). */
export interface StagingStep {
  action: StagingStepAction;
  /** When the deployer started it (ISO 8601); the same for every pass until the file changes again. */
  startedAt: string;
}

/** One staging at one commit, as the deployer hands it to its kind's target. */
export interface StagingPass {
  /** The staging, its kind and the environment it renders as (binding: the kind's target and namespace). */
  deployment: StagingDeployment;
  commit: string;
  /** What this pass works towards: create, update, archive, restore or cleanup. */
  step: StagingStep;
  /** The template's resources with the staging's version data, encrypted values decrypted (script input). */
  resources: Resource[];
  /**
   * The rendered manifests, the generated application config (`cascade/app-config`) among them. For an archived
   * staging only what an archive keeps (no workloads); empty for a staging marked for cleanup.
   */
  rendered: RenderedResource[];
  /** `secrets.app`, decrypted: only for the target (a Secret, a script's environment), never for status or logs. */
  appSecrets: Record<string, string>;
  /** The kind's `https://{name}.{baseDomain}` and the hosts of the rendered Ingresses; empty unless the staging is active. */
  links: ScriptLink[];
  /** Problems with the template's folders: nothing of the staging is pruned while there are any. */
  pruneHold: string[];
  /** What the last pass reported for this staging; after a restart, the phase the action records kept, if any. */
  previous?: StagingStatus;
}

/** Drives the stagings of one target (kubernetes or script). */
export interface StagingDriver {
  /** Stagings worked on at once; the rest wait for a free slot. Default 4. */
  readonly parallelism?: number;
  /**
   * Brings one staging a step towards what its file asks and reports it; never throws for one staging's failure.
   * Throws `TargetUnreachableError` when the target cannot be reached at all (the pass backs off that target).
   */
  deploy(pass: StagingPass): Promise<StagingStatus>;
  /**
   * Like Target.liveVersion: a number that changes whenever the staging's live objects may have changed; undefined
   * when the driver cannot tell. A staging whose inputs and live version are as before keeps its settled status.
   */
  liveVersion?(name: string): number | undefined;
  /** Forgets what it keeps for stagings not in `names` (their files are gone, or they are cleaned up). */
  retain?(names: ReadonlySet<string>): void;
}
