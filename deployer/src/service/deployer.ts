// The deployer service: a loop that fetches the repo and deploys every environment, and the state its API serves.
import { join } from 'node:path';
import type { DeployerStatus, EnvironmentStatus, SnapshotWithFiles, StagingActionRecord } from '@cascade/common';
import { SnapshotReader } from '@cascade/common';
import type { CascadeConfig } from '@cascade/common/config';
import type { GitRepo } from '@cascade/common/git';
import type { SecretsKeyring } from '@cascade/common/secrets';
import type { BackoffOptions, Clock, LoopHandle, Logger, ServiceEnv } from '@cascade/common/service';
import type { MetricsRegistry } from '@cascade/common/service';
import { createRefreshNotifier, startLoop, type RefreshChange, type RefreshNotifier } from '@cascade/common/service';
import type { Hono } from 'hono';
import { createDeployerApi } from '../api/routes.ts';
import type { ScriptLogStore } from '../scripts/log-store.ts';
import { StagingActionStore } from '../stagings/action-store.ts';
import { stagingsOnTheWay } from '../stagings/changes.ts';
import type { StagingDriver } from '../stagings/driver.ts';
import { createKubernetesStagingDriver } from '../stagings/kubernetes-driver.ts';
import { PublishedStagings } from '../stagings/published.ts';
import { StagingLanes } from '../stagings/staging-lanes.ts';
import { deployStagings, stagingPassMemory } from '../stagings/staging-pass.ts';
import { changedEnvironments, rolloutInProgress } from '../status/rollout-changes.ts';
import type { PassStep, Target } from '../targets/target.ts';
import { timedStep } from '../targets/target.ts';
import { EarlyFetch } from './early-fetch.ts';
import { createLiveRechecks } from './live-rechecks.ts';
import type { DeployerMetrics } from './metrics.ts';
import { deployEnvironments, type PassMemory, type Sharding } from './pass.ts';
import { createStagingNews } from './staging-news.ts';
import { TargetBackoff } from './target-backoff.ts';
import { asKubernetesTarget } from './targets.ts';
import { HandedOutStatus } from '../status/handed-out.ts';

/** Everything the deployer depends on; all passed in, nothing global. */
export interface DeployerDeps {
  config: CascadeConfig;
  repo: Pick<GitRepo, 'fetch' | 'readFiles'>;
  targets: ReadonlyMap<string, Target>;
  clock: Clock;
  logger: Logger;
  metrics: MetricsRegistry;
  deployerMetrics: DeployerMetrics;
  logs: ScriptLogStore;
  /** Who hears about rollout changes; default a notifier of `config.deployer.transitioner`. */
  notifier?: Pick<RefreshNotifier, 'notify' | 'close'>;
  /** How soon to look again while an environment is rolling out; default `ROLLOUT_RECHECK_MS`, capped at the poll interval. */
  rolloutRecheckMs?: number;
  /** The age identities of `secrets.ageIdentityFile`; without it encrypted resources fail with `secret-undecryptable`. */
  keyring?: SecretsKeyring;
  /** Staging drivers by target name, besides (or instead of) the one every Kubernetes target gets. */
  stagingDrivers?: ReadonlyMap<string, StagingDriver>;
  /** Where the stagings' action records are kept; default files under `<dataDir>/deployer/stagings` (in memory for the bare core). */
  stagingActions?: StagingActionStore;
  /** With shards (`election`): what this replica acts for and the fences of its writes; absent: everything, unfenced. */
  sharding?: Sharding;
}

/** While a rollout is in progress the deployer looks again this soon, so its end is reported without waiting for the poll. */
export const ROLLOUT_RECHECK_MS = 2000;

/** A running deployer. */
export interface Deployer {
  /** The HTTP API (`/status`, `/refresh`, `/logs/…`, health and metrics). */
  readonly app: Hono<ServiceEnv>;
  /** The current status of every environment. */
  status(): DeployerStatus;
  /**
   * Fetches and deploys now; resolves when that pass is done. A pass under way hands its stagings not started yet
   * over to this one (see DeployerCore.pass), so it may resolve before all of them are.
   */
  refresh(): Promise<DeployerStatus>;
  /** A target saw the environment's live objects change (`why`, for logs): deploy it again soon at the current commit, without fetching. */
  liveChanged(env: string, why: string): void;
  /** Stops the loop after the current pass. */
  stop(): Promise<void>;
}

/** Options of one pass of the core. */
export interface CorePassOptions {
  /**
   * Aborted when a newer pass is wanted (a new commit may be waiting): the pass then returns without waiting for
   * the stagings it has not finished; their turns go on and are published as each ends.
   */
  superseded?: AbortSignal;
}

/** The pass the loop runs, usable on its own (`deployOnce`). */
export interface DeployerCore {
  status(): DeployerStatus;
  /**
   * Fetch → snapshot → per environment render, plan, apply, status → stagings, each published as its turn ends. An
   * unreachable target is reported (Unreachable) and retried with its own backoff; the pass goes on.
   */
  pass(only?: string, options?: CorePassOptions): Promise<DeployerStatus>;
  /**
   * Deploys one environment or staging again at the commit of the last pass, without fetching (its live objects
   * changed); nothing before the first pass. Environments must not be rechecked during a pass; a staging may be.
   */
  recheck(env: string): Promise<DeployerStatus>;
  /** Whether `name` is a staging of the last commit read (not an environment), which `recheck` may look at during a pass. */
  isStaging(name: string): boolean;
  /** Drops the staging turns not started yet and resolves once those under way have ended. */
  close(): Promise<void>;
  /** Whether a pass has completed once (readiness). */
  ready(): boolean;
  /** The last actions taken for a staging, oldest first; undefined for a staging the deployer has none of. */
  actions(staging: string): readonly StagingActionRecord[] | undefined;
}

/** What the core needs besides the deployer's dependencies. */
export interface CoreOptions {
  /** Paces unreachable targets (default: from 1 s up to 5 min). */
  retry?: BackoffOptions;
  /** Told whenever a staging's published status changed phase or commit, appeared or went away. */
  onStagingChange?: (name: string) => void;
}

/** Builds the pass and the state it keeps, without starting anything. */
export function createDeployerCore(deps: Pick<DeployerDeps, 'repo' | 'targets' | 'clock' | 'logger' | 'deployerMetrics' | 'keyring' | 'stagingDrivers' | 'stagingActions' | 'sharding'> & CoreOptions): DeployerCore {
  const reader = new SnapshotReader(deps.repo);
  const backoff = new TargetBackoff(deps.retry ?? {});
  let environments = new Map<string, EnvironmentStatus>();
  const stagings = new PublishedStagings(deps.onStagingChange);
  const stagingMemory = stagingPassMemory();
  const lanes = new StagingLanes((name, error) => deps.logger.error('staging turn failed unexpectedly', { staging: name, error }));
  let generation = 0;
  const actions = deps.stagingActions ?? new StagingActionStore({ logger: deps.logger });
  const drivers = new Map([...kubernetesStagingDrivers(deps.targets), ...(deps.stagingDrivers ?? [])]);
  let commit: string | undefined;
  let snapshot: SnapshotWithFiles | undefined;
  let passes = 0;
  const memory: PassMemory = new Map();
  const keyring = deps.keyring === undefined ? {} : { keyring: deps.keyring };
  const sharding = deps.sharding === undefined ? {} : { sharding: deps.sharding };
  const steps = (step: PassStep, seconds: number) => deps.deployerMetrics.step(step, seconds);
  const owned = (name: string) => deps.sharding?.owns(name) ?? true;
  // Stagings appear once the repo has any, so statuses of repos without stagings read as before. With shards, a
  // replica reports only what it acts for. What is handed out is frozen, since peers in the same process (`cascade up`)
  // read these objects themselves, and is the same object while nothing in it changed.
  const handedOut = new HandedOutStatus();
  const status = (): DeployerStatus => handedOut.of({ ...(commit === undefined ? {} : { commit }), environments: [...environments.values()].filter((env) => owned(env.env)), ...(stagings.byName.size === 0 ? {} : { stagings: stagings.list([...(snapshot?.stagings.keys() ?? [])].filter(owned)) }) });
  /** The staging pass over `read`, for every staging or `only` one; a look after a watch event is urgent and tries its target now. */
  const stagingPass = (read: SnapshotWithFiles, options: { only?: string; look?: boolean; superseded?: AbortSignal }) => deployStagings({
    snapshot: read, cache: reader.cache, targets: new Set(deps.targets.keys()), drivers, previous: stagings.byName, clock: deps.clock, logger: deps.logger,
    actions, memory: stagingMemory, backoff, ...keyring, ...sharding, lanes, generation, onStatus: (staging) => stagings.publish(staging, snapshot?.stagings),
    ...(options.only === undefined ? {} : { only: options.only }),
    ...(options.look === true ? { retryNow: true, urgency: 'live' as const } : {}),
    ...(options.superseded === undefined ? {} : { superseded: options.superseded }),
  });
  const isStaging = (name: string) => snapshot !== undefined && !snapshot.deployers.has(name) && snapshot.stagings.has(name);
  return {
    status,
    ready: () => passes > 0,
    actions: (name) => actions.records(name),
    isStaging,
    close: () => lanes.close(),
    async recheck(env) {
      if (!owned(env)) return status();
      // A change in a staging's namespace: that staging alone, like an environment; its turn waits for one under way.
      if (snapshot !== undefined && isStaging(env)) {
        await stagingPass(snapshot, { only: env, look: true });
        return status();
      }
      if (snapshot === undefined || !snapshot.deployers.has(env)) return status();
      const result = await deployEnvironments({ snapshot, cache: reader.cache, targets: deps.targets, previous: environments, clock: deps.clock, logger: deps.logger, backoff, only: env, retryNow: true, memory, steps, ...keyring, ...sharding });
      environments = new Map([...environments, ...result.environments]);
      for (const changed of result.environments.values()) if (changed.state !== 'Unreachable') deps.deployerMetrics.succeeded(changed.env, deps.clock.now());
      return status();
    },
    async pass(only, options = {}) {
      const started = performance.now();
      // 1. Fetch the branch; an empty remote has nothing to deploy yet.
      const head = await timedStep(steps, 'fetch', () => deps.repo.fetch());
      if (head === null) {
        passes++;
        return status();
      }
      // 2. Parse the commit (only what changed is re-read and re-parsed).
      const read = await timedStep(steps, 'read', () => reader.read(head));
      snapshot = read;
      generation++;
      // 3. Deploy every bound environment; unreachable targets keep their last status, marked Unreachable.
      const result = await deployEnvironments({ snapshot: read, cache: reader.cache, targets: deps.targets, previous: environments, clock: deps.clock, logger: deps.logger, backoff, memory, steps, ...keyring, ...sharding, ...(only === undefined ? {} : { only }) });
      // 4. The stagings, after the environments: each as its kind's template renders, on its kind's target, published as
      //    its turn ends; a pass superseded by a newer one leaves the turns not started yet to it.
      const staged = await stagingPass(read, { ...(only === undefined ? {} : { only }), ...(options.superseded === undefined ? {} : { superseded: options.superseded }) });
      // 5. Publish: environments no longer in deployers.yaml, and stagings whose files are gone, disappear from the status.
      environments = only === undefined ? result.environments : new Map([...environments, ...result.environments]);
      if (only === undefined) stagings.retain(read.stagings);
      commit = head;
      // 6. Targets forget what they keep (watches) for environments no longer bound to them and stagings gone or cleaned up.
      if (only === undefined) {
        for (const [name, target] of deps.targets) {
          const envs = [...read.deployers.values()].filter((b) => b.target === name && owned(b.env)).map((b) => b.env);
          target.retain?.(new Set([...envs, ...(staged.deployed.get(name) ?? [])]));
        }
      }
      passes++;
      for (const env of result.environments.values()) if (env.state !== 'Unreachable') deps.deployerMetrics.succeeded(env.env, deps.clock.now());
      deps.deployerMetrics.loopDuration((performance.now() - started) / 1000);
      return status();
    },
  };
}

/** A staging driver for every Kubernetes target; a target without a driver fails its stagings, saying so. */
function kubernetesStagingDrivers(targets: ReadonlyMap<string, Target>): Map<string, StagingDriver> {
  const drivers = new Map<string, StagingDriver>();
  for (const [name, target] of targets) {
    const kubernetes = asKubernetesTarget(target);
    if (kubernetes !== undefined) drivers.set(name, createKubernetesStagingDriver(kubernetes));
  }
  return drivers;
}

/** How long a step of the periodic full reconcile waits for its fresh list before the next step may follow. */
const RESYNC_WAIT_MS = 60_000;

/**
 * Creates the deployer and starts its loop: poll every `repo.pollInterval`, run at once on `/refresh`, deploy an
 * environment again when its target reports a change in the cluster, look again soon while a rollout no watch
 * follows is in progress, read every watched object afresh once every `deployer.reconcileInterval` (spread over
 * it) when targets watch, and tell the peers whenever an environment's state or commit changed, and (a few times a
 * second at most) when stagings did.
 */
export function createDeployer(deps: DeployerDeps): Deployer {
  const stagingActions = deps.stagingActions ?? new StagingActionStore({ dir: join(deps.config.dataDir, 'deployer', 'stagings'), logger: deps.logger });
  // Only the deployer's status changes when it tells its peers: they need not fetch the repo for it.
  const notifier = deps.notifier ?? createRefreshNotifier({ peers: [deps.config.deployer.transitioner, deps.config.deployer.aggregator], logger: deps.logger, changed: 'status' });
  // The transitioner also removes a staging's file once it reads CleanedUp; the dashboard shows every phase.
  const stagingNews = createStagingNews({ clock: deps.clock, notify: (reason) => notifier.notify(reason) });
  // An unreachable target is tried again no sooner than the next poll, then less and less often.
  // A commit announced while a pass runs is fetched at once; the next pass starts from that fetch.
  const early = new EarlyFetch(() => deps.repo.fetch());
  const repo = { fetch: () => early.take(), readFiles: (commit: string) => deps.repo.readFiles(commit) };
  const core = createDeployerCore({ ...deps, repo, stagingActions, retry: { initial: deps.config.repo.pollInterval }, onStagingChange: (name) => stagingNews.changed(name) });
  const recheckMs = Math.min(deps.rolloutRecheckMs ?? ROLLOUT_RECHECK_MS, deps.config.repo.pollInterval);
  const stopping = new AbortController();
  let recheck: AbortController | undefined;
  const scheduleRecheck = () => {
    recheck?.abort();
    const pending = new AbortController();
    recheck = pending;
    void deps.clock.sleep(recheckMs, pending.signal).then(() => {
      if (!pending.signal.aborted) void loop.trigger();
    });
  };
  // Passes never overlap: the loop's and those for reported changes in environments take turns. (Stagings take their
  // turns one at a time each, in the core's lanes.)
  let turn: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const result = turn.then(work);
    turn = result.catch(() => {});
    return result;
  };
  /** Runs a pass, tells the peers what it changed, and after a pass that completed looks again soon at rollouts no watch follows. */
  const publishing = async (pass: () => Promise<unknown>) => {
    const before = core.status();
    let passed = false;
    try {
      await pass();
      passed = true;
    } finally {
      // Also after a failed pass: an environment that turned Unreachable is news to the transitioner too.
      const after = core.status();
      const changed = changedEnvironments(before, after);
      if (changed.length > 0) stagingNews.announce(`rollout changed in ${changed.join(', ')}`);
      // After a failed pass the loop's backoff decides when to look again, not the rollout.
      const unwatched = after.environments.filter((e) => deps.targets.get(e.target)?.watching?.(e.env) !== true);
      // Pods going and namespaces being deleted are followed by no watch: a staging on its way is looked at again soon.
      if (passed && (rolloutInProgress({ environments: unwatched }) || stagingsOnTheWay(after))) scheduleRecheck();
    }
  };
  // A refresh asked for from outside (a push, a commit of the aggregator) may bring a new commit: it is fetched at once,
  // and the pass under way leaves its stagings not started yet to the next pass, which works the changed ones first.
  let underWay: AbortController | undefined;
  const requestPass = (changed?: RefreshChange) => {
    if (changed !== 'status') early.announce();
    underWay?.abort();
    return loop.trigger();
  };
  const loop: LoopHandle = startLoop({
    name: 'deployer',
    interval: deps.config.repo.pollInterval,
    clock: deps.clock,
    logger: deps.logger,
    run: () => exclusive(async () => {
      recheck?.abort();
      const superseded = new AbortController();
      underWay = superseded;
      try {
        await publishing(() => core.pass(undefined, { superseded: superseded.signal }));
      } finally {
        if (underWay === superseded) underWay = undefined;
      }
    }),
  });
  const rechecks = createLiveRechecks((envs) => exclusive(async () => {
    for (const env of envs) await publishing(() => core.recheck(env));
  }), deps.logger);
  /** A change in a staging's namespace: its turn runs beside a pass under way, after any turn of that staging. */
  const recheckStaging = (name: string) => {
    if (stopping.signal.aborted) return;
    publishing(() => core.recheck(name)).catch((error: unknown) => deps.logger.warn('looking at a changed staging failed', { staging: name, error }));
  };
  // Watches can miss an event (a bug, a proxy); reading every live object afresh once per interval makes up for it.
  // The lists are spread over the interval, one watch at a time, so no minute holds all of them (at 10,000 resources
  // × 4 they were seconds of CPU at once, and as many lists at once for the API server).
  const resyncing = [...deps.targets.values()].filter((target) => target.resync !== undefined);
  const reconciling = resyncing.length === 0 ? Promise.resolve() : (async () => {
    let stepsLeft = 0;
    for (;;) {
      const steps = Math.max(1, ...resyncing.map((target) => target.resyncSteps?.() ?? 1));
      await deps.clock.sleep(Math.ceil(deps.config.deployer.reconcileInterval / steps), stopping.signal);
      if (stopping.signal.aborted) return;
      if (stepsLeft <= 0) {
        deps.deployerMetrics.fullReconcile();
        stepsLeft = steps;
      }
      stepsLeft--;
      // What a list finds different is reported as its event would have been, and deployed as such; the wait only
      // keeps a list that hangs from holding the next steps back.
      const listed = new AbortController();
      await Promise.race([Promise.all(resyncing.map((target) => target.resync?.())), deps.clock.sleep(RESYNC_WAIT_MS, AbortSignal.any([listed.signal, stopping.signal]))]);
      listed.abort();
    }
  })();
  const refresh = async () => {
    await requestPass();
    return core.status();
  };
  const app = createDeployerApi({ core, refresh: requestPass, logs: deps.logs, logger: deps.logger, metrics: deps.metrics, tokens: deps.config.aggregator.tokens, stagingActions: core.actions });
  return {
    app,
    status: core.status,
    refresh,
    liveChanged(env, why) {
      deps.logger.debug('live objects changed', { env, why });
      if (core.isStaging(env)) recheckStaging(env);
      else rechecks.request(env);
    },
    async stop() {
      stopping.abort();
      recheck?.abort();
      await rechecks.stop();
      await loop.stop();
      await reconciling;
      await core.close();
      await stagingActions.flush();
      stagingNews.close();
      notifier.close();
    },
  };
}
