// One pass over every staging of the repo, after the environments: derive, render, hand each to its target's driver,
// record the step, report each as it ends. One staging's problem or exception never stops another; targets work side
// by side; the turns themselves are taken through StagingLanes (staging-lanes.ts).
import type { ParseCache, SnapshotWithFiles, StagingDeployment, StagingMemo, StagingStatus } from '@cascade/common';
import { deriveStagings } from '@cascade/common';
import type { SecretsKeyring } from '@cascade/common/secrets';
import type { Clock, Logger } from '@cascade/common/service';
import { isFenceLost, runFenced } from '@cascade/common/election';
import { NO_KEYS, type Sharding } from '../service/pass.ts';
import type { TargetBackoff } from '../service/target-backoff.ts';
import { TargetUnreachableError } from '../targets/target.ts';
import type { StagingActionStore } from './action-store.ts';
import { actionKey, beginAction, pendingPhase, settleAction, type StagingActionState } from './actions.ts';
import type { StagingDriver, StagingStep } from './driver.ts';
import { renderStaging } from './render.ts';
import { StagingLanes, moreUrgent, type TurnUrgency } from './staging-lanes.ts';
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
  /** What was last reported, by staging; read when a staging's turn starts, so a live map gives the newest. */
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
  /** Told each staging's status as soon as it is known, whichever pass asked for its turn. */
  onStatus?: (status: StagingStatus) => void;
  /**
   * The turns shared with other passes and looks of the same deployer; default: lanes of this pass alone. Passes over
   * every staging (without `only`) must not overlap: each forgets what is kept for stagings its snapshot lacks.
   */
  lanes?: StagingLanes;
  /** Orders the snapshots of passes sharing `lanes`: a turn not started yet deploys from the newest. Default 0. */
  generation?: number;
  /** At least this urgent (a watch event: `live`); default as the staging's inputs say. */
  urgency?: TurnUrgency;
  /**
   * Aborted when a newer pass is wanted: this one then returns without waiting for the turns it asked for; they
   * still run (the newer pass finds them busy) and report through `onStatus`.
   */
  superseded?: AbortSignal;
  /** With shards: the stagings this replica acts for, and the fence each one's writes check; absent: all, unfenced. */
  sharding?: Sharding;
}

/** What a staging pass produced. */
export interface StagingPassResult {
  /** By staging, in the order of the repo's staging files: those whose status this pass produced before it returned. */
  stagings: Map<string, StagingStatus>;
  unreachable: TargetUnreachableError[];
  /** Per target, the stagings that keep objects on it (active or archived): what its watches may keep following. */
  deployed: Map<string, Set<string>>;
}

/**
 * Deploys every staging of the snapshot (or `only` one) and reports each as it ends; decrypted values never reach the
 * result. A staging needing no driver call (held, unchanged and settled, its target backing off) is reported at once;
 * the others are handed to the lanes, most urgent first.
 */
export async function deployStagings(input: StagingPassInput): Promise<StagingPassResult> {
  const { snapshot } = input;
  await input.actions.load();
  const derived = deriveStagings(snapshot, input.memory.derive);
  const result: StagingPassResult = { stagings: new Map(), unreachable: [], deployed: new Map() };
  const lanes = input.lanes ?? new StagingLanes((name, error) => input.logger.error('staging turn failed unexpectedly', { staging: name, error }));
  const statuses = new Map<string, StagingStatus>();
  const report = (status: StagingStatus) => {
    statuses.set(status.name, status);
    input.onStatus?.(status);
  };
  const owned = (name: string) => input.sharding?.owns(name) ?? true;
  for (const [name, deployment] of derived.deployments) {
    if (deployment.staging.state !== 'cleanup' && owned(name)) result.deployed.set(deployment.kind.target, (result.deployed.get(deployment.kind.target) ?? new Set()).add(name));
  }
  // 1. In the repo's order, each staging reported at once or handed to its target's lane; the lanes rank them.
  const turns: Promise<void>[] = [];
  for (const name of snapshot.stagings.keys()) {
    if ((input.only !== undefined && name !== input.only) || !owned(name)) continue;
    const held = derived.held.get(name);
    const deployment = derived.deployments.get(name);
    if (held !== undefined) {
      // A held staging needs no target, but waits for a turn still under way so that turn cannot report over it.
      if (!lanes.busy(name)) report(heldStatus(held, snapshot.commit));
      else turns.push(lanes.request(name, { target: '', limit: Infinity, urgency: 'changed', generation: input.generation ?? 0, work: async () => report(heldStatus(held, snapshot.commit)) }));
      continue;
    }
    if (deployment === undefined) continue;
    const driver = input.drivers.get(deployment.kind.target);
    if (!lanes.busy(name)) {
      const quick = quickStatus(beginTurn(deployment, input), deployment, driver, input);
      if (quick !== undefined) {
        report(quick);
        continue;
      }
    }
    const urgency = moreUrgent(input.urgency ?? 'unchanged', urgencyOf(deployment, driver, input));
    // Every write of the turn checks the Lease of the staging's shard; a turn whose Lease was lost reports nothing.
    const work = () => runFenced(input.sharding?.fenceFor(name), async () => report(await deployOne(deployment, driver, input, result))).catch((error: unknown) => {
      if (!isFenceLost(error)) throw error;
    });
    turns.push(lanes.request(name, { target: deployment.kind.target, limit: driver?.parallelism ?? DEFAULT_STAGING_PARALLELISM, urgency, generation: input.generation ?? 0, work }));
  }
  // 2. Wait for the turns, unless a newer pass is wanted: that one takes over what has not started yet.
  await untilSuperseded(Promise.all(turns), input.superseded);
  for (const name of snapshot.stagings.keys()) {
    const status = statuses.get(name);
    if (status !== undefined) result.stagings.set(name, status);
  }
  // 3. Forget what is kept for stagings whose files are gone.
  if (input.only === undefined) {
    // Those of shards another replica holds are forgotten too: when this one holds them again it starts afresh.
    const names = new Set([...snapshot.stagings.keys()].filter(owned));
    lanes.drop(names);
    input.actions.retain(names);
    for (const name of [...input.memory.inputs.keys()]) if (!names.has(name)) input.memory.inputs.delete(name);
    // Held stagings and those marked for cleanup still have files: forgetting their records would create a held one
    // again once its file is fixed, and run a cleanup again on every pass.
    for (const driver of input.drivers.values()) driver.retain?.(names);
  }
  return result;
}

/** Resolves when `work` does, or as soon as `signal` aborts. */
async function untilSuperseded(work: Promise<unknown>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) {
    await work;
    return;
  }
  let stop = () => {};
  const aborted = new Promise<void>((resolve) => {
    stop = resolve;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', stop, { once: true });
  });
  try {
    await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

/**
 * How urgent a staging's turn is: a step not worked on yet (its file or template changed), its live objects changed,
 * it is on its way, or nothing changed.
 */
function urgencyOf(deployment: StagingDeployment, driver: StagingDriver | undefined, input: StagingPassInput): TurnUrgency {
  const name = deployment.staging.name;
  if (input.actions.state(name).current?.key !== actionKey(deployment)) return 'changed';
  const last = input.memory.inputs.get(name);
  if (last !== undefined && last.live !== driver?.liveVersion?.(name)) return 'live';
  const previous = input.previous.get(name);
  return previous !== undefined && settledStatus(previous) ? 'unchanged' : 'pending';
}

/** Where one staging's turn starts: its step, what it reported before, and how to go on. No side effects until `begin` or `finish`. */
interface TurnStart {
  step: StagingStep;
  previous: StagingStatus | undefined;
  /** Records the step as under way before the driver is called, so a look asked for meanwhile knows it is no news. */
  begin(): void;
  /** Scrubs the status, stamps the step and records it (settled unless `settle` is false). */
  finish(status: StagingStatus, settle?: boolean): StagingStatus;
}

/** The step: the same as last time while the inputs are, a new one (and a record) when they changed. */
function beginTurn(deployment: StagingDeployment, input: StagingPassInput): TurnStart {
  const { snapshot, clock, actions } = input;
  const keyring = input.keyring ?? NO_KEYS;
  const { staging } = deployment;
  const state: StagingActionState = beginAction(actions.state(staging.name), { intent: staging.state, key: actionKey(deployment), now: clock.now(), commit: snapshot.commit });
  const step: StagingStep = { action: state.current!.action, startedAt: state.current!.startedAt };
  const previous = input.previous.get(staging.name) ?? restoredStatus(deployment, state.phase, snapshot.commit);
  const finish = (status: StagingStatus, settle = true): StagingStatus => {
    // The step is the pass's, whatever the driver reported.
    const scrubbed = keyring.scrub({ ...status, lastActionAt: step.startedAt });
    actions.set(staging.name, settle ? settleAction(state, scrubbed, clock.now()) : state);
    return scrubbed;
  };
  return { step, previous, begin: () => actions.set(staging.name, state), finish };
}

/** The status of a staging no driver call is needed for (no driver, target backing off, nothing changed); else undefined. */
function quickStatus({ step, previous, finish }: TurnStart, deployment: StagingDeployment, driver: StagingDriver | undefined, input: StagingPassInput): StagingStatus | undefined {
  const { snapshot, clock } = input;
  const { staging, kind } = deployment;
  if (driver === undefined) return finish(failedStatus(deployment, snapshot.commit, step, noDriverError(deployment, input.targets.has(kind.target))));
  // A target that could not be reached waits out its backoff; the stagings of other targets go on.
  if (input.backoff !== undefined && input.retryNow !== true && !input.backoff.due(kind.target, clock.now())) {
    const last = previous ?? baseStatus(deployment, pendingPhase(step.action), snapshot.commit, step);
    return finish(unreachableStagingStatus(last, `target ${kind.target} could not be reached; waiting to try again`), false);
  }
  // Inputs as before and a settled status: the pass would apply nothing and report the same.
  const live = driver.liveVersion?.(staging.name);
  const last = input.memory.inputs.get(staging.name);
  if (live !== undefined && last !== undefined && previous !== undefined && settledStatus(previous)
    && last.environment === deployment.environment && last.binding === JSON.stringify(deployment.binding) && last.live === live) {
    return finish({ ...previous, commit: snapshot.commit });
  }
  return undefined;
}

/** One staging's turn: its step, its render, its driver; the status scrubbed of every decrypted value, the step recorded. */
async function deployOne(deployment: StagingDeployment, driver: StagingDriver | undefined, input: StagingPassInput, result: StagingPassResult): Promise<StagingStatus> {
  const { snapshot, clock } = input;
  const keyring = input.keyring ?? NO_KEYS;
  const { staging, kind } = deployment;
  // 1. Looked at again when the turn starts: another turn may have changed what was known when it was asked for.
  const turn = beginTurn(deployment, input);
  const quick = quickStatus(turn, deployment, driver, input);
  if (quick !== undefined || driver === undefined) return quick!;
  const { step, previous, finish } = turn;
  const live = driver.liveVersion?.(staging.name);
  const inputs = live === undefined ? undefined : { environment: deployment.environment, binding: JSON.stringify(deployment.binding), live };
  input.memory.inputs.delete(staging.name);
  turn.begin();
  // 2. Render and deploy; an unreachable target backs off, anything unexpected stays with this staging.
  try {
    const rendered = await renderStaging(snapshot, deployment, input.cache, keyring);
    const status = await driver.deploy({ deployment, commit: snapshot.commit, step, ...rendered, ...(previous === undefined ? {} : { previous }) });
    input.backoff?.succeeded(kind.target);
    if (inputs !== undefined) input.memory.inputs.set(staging.name, inputs);
    return finish(status);
  } catch (error) {
    // Another replica holds the staging's shard now: nothing is reported or recorded here, that replica deploys it.
    if (isFenceLost(error)) throw error;
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
