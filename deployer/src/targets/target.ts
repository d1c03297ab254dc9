// What the service loop asks of a target: make one environment match the repo, and report it.
import type { DeployerBinding, EnvironmentStatus, RenderedResource, Resource } from '@cascade/common';

/** One environment at one commit, as the loop hands it to the environment's target. */
export interface EnvironmentPass {
  env: string;
  binding: DeployerBinding;
  commit: string;
  /** The environment's resources as the repo defines them (script targets use their version data). */
  resources: Resource[];
  /** The rendered manifests (Kubernetes targets). */
  rendered: RenderedResource[];
  /** Problems with the environment's folders that make its set of resources uncertain: nothing is pruned while there are any. */
  pruneHold: string[];
}

/** A deploy target: a Kubernetes cluster or a directory of control scripts. */
export interface Target {
  /** Name from the deployer's config. */
  readonly name: string;
  /** Applies what changed and reports the environment; throws `TargetUnreachableError` when the target cannot be reached. */
  deploy(pass: EnvironmentPass): Promise<EnvironmentStatus>;
  /** Resolves once the work a target does behind `deploy` (control scripts) has ended; absent when it does none. */
  settle?(): Promise<void>;
  /** Starts no more background work and resolves once what runs has ended, before the service exits. */
  close?(): Promise<void>;
  /** Whether the target reports every change of the environment's live objects as it happens (watches), so nobody needs to poll it. */
  watching?(env: string): boolean;
  /**
   * A number that changes whenever the environment's live objects may have changed (an event, a re-list); undefined
   * when the target cannot tell, and then every pass looks. Lets a pass skip an environment whose inputs are as before.
   */
  liveVersion?(env: string): number | undefined;
  /**
   * The environment's status after the live changes reported since its last deploy, when they only moved rollouts
   * along (objects still as applied); undefined when a deploy must look. Never writes anything.
   */
  refresh?(env: string): EnvironmentStatus | undefined;
  /**
   * Reads afresh the live objects of the part read longest ago (one watch), instead of trusting what its events
   * delivered: one step of the periodic full reconcile, which takes `resyncSteps()` of them spread over its interval.
   * Resolves once the fresh read is in (or failed); what it found different is reported as a change.
   */
  resync?(): Promise<void> | void;
  /** How many resync steps read every live object afresh once (one per watch); default 1. */
  resyncSteps?(): number;
  /** Forgets what it keeps for environments not in `envs`, which are no longer bound to it. */
  retain?(envs: ReadonlySet<string>): void;
}

/** The target cannot be reached at all (connection refused, timeout, 5xx); the loop retries with backoff. */
export class TargetUnreachableError extends Error {
  readonly code = 'target-unreachable';
  constructor(readonly data: { target: string; cause: string }) {
    super(`target ${data.target} cannot be reached: ${data.cause}`);
    this.name = 'TargetUnreachableError';
  }
}

/** The steps of a pass timed apart (`cascade_deployer_pass_step_seconds`): where a pass's time goes at a team's size. */
export type PassStep = 'fetch' | 'read' | 'render' | 'plan' | 'apply' | 'report' | 'refresh';

/** Told how long a step of a pass took. */
export type StepTimer = (step: PassStep, seconds: number) => void;

/** Runs `work` and tells `timer` (when there is one) how long it took, also when it throws. */
export async function timedStep<T>(timer: StepTimer | undefined, step: PassStep, work: () => Promise<T> | T): Promise<T> {
  if (timer === undefined) return work();
  const started = performance.now();
  try {
    return await work();
  } finally {
    timer(step, (performance.now() - started) / 1000);
  }
}
