// One pass over every staging of the repo, after the environments: derive, render, hand each to its target's driver,
// record the step, report. One staging's problem or exception never stops another; targets work side by side.
import type { ParseCache, SnapshotWithFiles, StagingDeployment, StagingMemo, StagingStatus } from '@cascade/common';
import { deriveStagings } from '@cascade/common';
import type { SecretsKeyring } from '@cascade/common/secrets';
import type { Clock, Logger } from '@cascade/common/service';
import { NO_KEYS } from '../service/pass.ts';
import type { TargetBackoff } from '../service/target-backoff.ts';
import { TargetUnreachableError } from '../targets/target.ts';
import type { StagingActionStore } from './action-store.ts';
import { actionKey, beginAction, pendingPhase, settleAction } from './actions.ts';
import { forEachBounded } from './bounded.ts';
import type { StagingDriver, StagingStep } from './driver.ts';
import { renderStaging } from './render.ts';
import { baseStatus, failedStatus, heldStatus, noDriverError, restoredStatus, settledStatus, unreachableStagingStatus } from './status.ts';

/** Stagings a driver works on at once when it names no bound of its own. */
export const DEFAULT_STAGING_PARALLELISM = 4;

/** What the staging pass keeps from one pass to the next. */
export interface StagingPassMemory {
  /** Derived stagings by their inputs, so an unchanged staging keeps its environment object. */
  derive: StagingMemo;
  /** Per staging, what its last completed pass was deployed from. */
  inputs: Map<string, { environment: unknown; binding: string; live: number }>;
}

/** Creates empty pass memory. */
export function stagingPassMemory(): StagingPassMemory {
  return { derive: new Map(), inputs: new Map() };
}

/** Inputs of one staging pass. */
export interface StagingPassInput {
  snapshot: SnapshotWithFiles;
  cache: ParseCache;
  /** Names of the targets in the deployer's config; a kind naming another fails. */
  targets: ReadonlySet<string>;
  /** The staging driver of each target that has one. */
  drivers: ReadonlyMap<string, StagingDriver>;
  /** What the previous pass reported, by staging. */
  previous: ReadonlyMap<string, StagingStatus>;
  clock: Clock;
  logger: Logger;
  actions: StagingActionStore;
  memory: StagingPassMemory;
  /** Decrypts the template's SOPS files and the stagings' secrets; without it those fail with `secret-undecryptable`. */
  keyring?: SecretsKeyring;
  /** When unreachable targets may be tried again (shared with the environments). */
  backoff?: TargetBackoff;
  /** Try targets even while their backoff waits: a watch event just showed the target answers. */
  retryNow?: boolean;
  /** Only this staging (a watch event in its namespace); all when absent. */
  only?: string;
}

/** What a staging pass produced. */
export interface StagingPassResult {
  /** By staging, in the order of the repo's staging files. */
  stagings: Map<string, StagingStatus>;
  unreachable: TargetUnreachableError[];
  /** Per target, the stagings that keep objects on it (active or archived): what its watches may keep following. */
  deployed: Map<string, Set<string>>;
}

/** Deploys every staging of the snapshot (or `only` one) and reports each; decrypted values never reach the result. */
export async function deployStagings(input: StagingPassInput): Promise<StagingPassResult> {
  const { snapshot } = input;
  await input.actions.load();
  const derived = deriveStagings(snapshot, input.memory.derive);
  const result: StagingPassResult = { stagings: new Map(), unreachable: [], deployed: new Map() };
  const wanted = (name: string) => input.only === undefined || name === input.only;
  const statuses = new Map<string, StagingStatus>();
  for (const [name, held] of derived.held) if (wanted(name)) statuses.set(name, heldStatus(held, snapshot.commit));
  // 1. Group by target: each target works through its own stagings, a bounded number at once.
  const byTarget = new Map<string, StagingDeployment[]>();
  for (const [name, deployment] of derived.deployments) {
    if (deployment.staging.state !== 'cleanup') result.deployed.set(deployment.kind.target, (result.deployed.get(deployment.kind.target) ?? new Set()).add(name));
    if (wanted(name)) byTarget.set(deployment.kind.target, [...(byTarget.get(deployment.kind.target) ?? []), deployment]);
  }
  await Promise.all([...byTarget].map(async ([target, group]) => {
    const driver = input.drivers.get(target);
    const limit = driver?.parallelism ?? DEFAULT_STAGING_PARALLELISM;
    await forEachBounded(group, limit, async (deployment) => {
      statuses.set(deployment.staging.name, await deployOne(deployment, driver, input, result));
    });
  }));
  // 2. Report in the repo's order, whichever target finished first.
  for (const name of snapshot.stagings.keys()) {
    const status = statuses.get(name);
    if (status !== undefined) result.stagings.set(name, status);
  }
  // 3. Forget what is kept for stagings whose files are gone.
  if (input.only === undefined) {
    const names = new Set(snapshot.stagings.keys());
    input.actions.retain(names);
    for (const name of [...input.memory.inputs.keys()]) if (!names.has(name)) input.memory.inputs.delete(name);
    // Held stagings and those marked for cleanup still have files: forgetting their records would create a held one
    // again once its file is fixed, and run a cleanup again on every pass.
    for (const driver of input.drivers.values()) driver.retain?.(names);
  }
  return result;
}

/** One staging: its step, its render, its driver; the status scrubbed of every decrypted value, the step recorded. */
async function deployOne(deployment: StagingDeployment, driver: StagingDriver | undefined, input: StagingPassInput, result: StagingPassResult): Promise<StagingStatus> {
  const { snapshot, clock, actions } = input;
  const keyring = input.keyring ?? NO_KEYS;
  const { staging, kind } = deployment;
  const now = clock.now();
  // 1. The step: the same as last pass while the inputs are, a new one (and a record) when they changed.
  const state = beginAction(actions.state(staging.name), { intent: staging.state, key: actionKey(deployment), now, commit: snapshot.commit });
  const step: StagingStep = { action: state.current!.action, startedAt: state.current!.startedAt };
  const previous = input.previous.get(staging.name) ?? restoredStatus(deployment, state.phase, snapshot.commit);
  const finish = (status: StagingStatus, settle = true): StagingStatus => {
    // The step is the pass's, whatever the driver reported.
    const scrubbed = keyring.scrub({ ...status, lastActionAt: step.startedAt });
    actions.set(staging.name, settle ? settleAction(state, scrubbed, clock.now()) : state);
    return scrubbed;
  };
  if (driver === undefined) return finish(failedStatus(deployment, snapshot.commit, step, noDriverError(deployment, input.targets.has(kind.target))));
  // 2. A target that could not be reached waits out its backoff; the stagings of other targets go on.
  if (input.backoff !== undefined && input.retryNow !== true && !input.backoff.due(kind.target, now)) {
    const last = previous ?? baseStatus(deployment, pendingPhase(step.action), snapshot.commit, step);
    return finish(unreachableStagingStatus(last, `target ${kind.target} could not be reached; waiting to try again`), false);
  }
  // 3. Inputs as before and a settled status: the pass would apply nothing and report the same.
  const live = driver.liveVersion?.(staging.name);
  const inputs = live === undefined ? undefined : { environment: deployment.environment, binding: JSON.stringify(deployment.binding), live };
  const last = input.memory.inputs.get(staging.name);
  if (inputs !== undefined && last !== undefined && previous !== undefined && settledStatus(previous)
    && last.environment === inputs.environment && last.binding === inputs.binding && last.live === inputs.live) {
    return finish({ ...previous, commit: snapshot.commit });
  }
  input.memory.inputs.delete(staging.name);
  try {
    const rendered = await renderStaging(snapshot, deployment, input.cache, keyring);
    const status = await driver.deploy({ deployment, commit: snapshot.commit, step, ...rendered, ...(previous === undefined ? {} : { previous }) });
    input.backoff?.succeeded(kind.target);
    if (inputs !== undefined) input.memory.inputs.set(staging.name, inputs);
    return finish(status);
  } catch (error) {
    if (error instanceof TargetUnreachableError) {
      result.unreachable.push(error);
      const retryAt = input.backoff?.failed(kind.target, clock.now());
      input.logger.warn('target unreachable', { staging: staging.name, target: kind.target, error: error.data.cause, ...(retryAt ? { retryAt: retryAt.toISOString() } : {}) });
      return finish(unreachableStagingStatus(previous ?? baseStatus(deployment, pendingPhase(step.action), snapshot.commit, step), error.message), false);
    }
    // Nobody expected it: it stays with this staging, logged without a decrypted value, and the others go on.
    const message = keyring.scrub(error instanceof Error ? error.message : String(error));
    input.logger.error('staging pass failed unexpectedly', { staging: staging.name, target: kind.target, error: message });
    return finish(failedStatus(deployment, snapshot.commit, step, { code: 'internal-error', message: `the deployer failed on this staging: ${message}` }));
  }
}
