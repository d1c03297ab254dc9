// The deployer service: a loop that fetches the repo and deploys every environment, and the state its API serves.
import { join } from 'node:path';
import type { DeployerStatus, EnvironmentStatus, SnapshotWithFiles, StagingActionRecord, StagingStatus } from '@cascade/common';
import { SnapshotReader } from '@cascade/common';
import type { CascadeConfig } from '@cascade/common/config';
import type { GitRepo } from '@cascade/common/git';
import type { SecretsKeyring } from '@cascade/common/secrets';
import type { BackoffOptions, Clock, LoopHandle, Logger, ServiceEnv } from '@cascade/common/service';
import type { MetricsRegistry } from '@cascade/common/service';
import { createRefreshNotifier, startLoop, type RefreshNotifier } from '@cascade/common/service';
import type { Hono } from 'hono';
import { createDeployerApi } from '../api/routes.ts';
import type { ScriptLogStore } from '../scripts/log-store.ts';
import { StagingActionStore } from '../stagings/action-store.ts';
import { changedStagings, stagingsOnTheWay } from '../stagings/changes.ts';
import type { StagingDriver } from '../stagings/driver.ts';
import { createKubernetesStagingDriver } from '../stagings/kubernetes-driver.ts';
import { deployStagings, stagingPassMemory } from '../stagings/staging-pass.ts';
import { changedEnvironments, rolloutInProgress } from '../status/rollout-changes.ts';
import type { Target } from '../targets/target.ts';
import { createLiveRechecks } from './live-rechecks.ts';
import type { DeployerMetrics } from './metrics.ts';
import { deployEnvironments, type PassMemory } from './pass.ts';
import { TargetBackoff } from './target-backoff.ts';
import { asKubernetesTarget } from './targets.ts';

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
}

/** While a rollout is in progress the deployer looks again this soon, so its end is reported without waiting for the poll. */
export const ROLLOUT_RECHECK_MS = 2000;

/** A running deployer. */
export interface Deployer {
  /** The HTTP API (`/status`, `/refresh`, `/logs/…`, health and metrics). */
  readonly app: Hono<ServiceEnv>;
  /** The current status of every environment. */
  status(): DeployerStatus;
  /** Fetches and deploys now; resolves when that pass is done. */
  refresh(): Promise<DeployerStatus>;
  /** A target saw the environment's live objects change (`why`, for logs): deploy it again soon at the current commit, without fetching. */
  liveChanged(env: string, why: string): void;
  /** Stops the loop after the current pass. */
  stop(): Promise<void>;
}

/** The pass the loop runs, usable on its own (`deployOnce`). */
export interface DeployerCore {
  status(): DeployerStatus;
  /** Fetch → snapshot → per environment render, plan, apply, status. An unreachable target is reported (Unreachable) and retried with its own backoff; the pass goes on. */
  pass(only?: string): Promise<DeployerStatus>;
  /** Deploys one environment again at the commit of the last pass, without fetching (its live objects changed); nothing before the first pass. */
  recheck(env: string): Promise<DeployerStatus>;
  /** Whether a pass has completed once (readiness). */
  ready(): boolean;
  /** The last actions taken for a staging, oldest first; undefined for a staging the deployer has none of. */
  actions(staging: string): readonly StagingActionRecord[] | undefined;
}

/** Builds the pass and the state it keeps, without starting anything. `retry` paces unreachable targets (default: from 1 s up to 5 min). */
export function createDeployerCore(deps: Pick<DeployerDeps, 'repo' | 'targets' | 'clock' | 'logger' | 'deployerMetrics' | 'keyring' | 'stagingDrivers' | 'stagingActions'> & { retry?: BackoffOptions }): DeployerCore {
  const reader = new SnapshotReader(deps.repo);
  const backoff = new TargetBackoff(deps.retry ?? {});
  let environments = new Map<string, EnvironmentStatus>();
  let stagings = new Map<string, StagingStatus>();
  const stagingMemory = stagingPassMemory();
  const actions = deps.stagingActions ?? new StagingActionStore({ logger: deps.logger });
  const drivers = new Map([...kubernetesStagingDrivers(deps.targets), ...(deps.stagingDrivers ?? [])]);
  let commit: string | undefined;
  let snapshot: SnapshotWithFiles | undefined;
  let passes = 0;
  const memory: PassMemory = new Map();
  const keyring = deps.keyring === undefined ? {} : { keyring: deps.keyring };
  // Stagings appear once the repo has any, so statuses of repos without stagings read as before.
  const status = (): DeployerStatus => ({ ...(commit === undefined ? {} : { commit }), environments: [...environments.values()], ...(stagings.size === 0 ? {} : { stagings: [...stagings.values()] }) });
  /** The staging pass over `read`, for every staging or `only` one. */
  const stagingPass = (read: SnapshotWithFiles, only?: string, retryNow?: boolean) => deployStagings({
    snapshot: read, cache: reader.cache, targets: new Set(deps.targets.keys()), drivers, previous: stagings, clock: deps.clock, logger: deps.logger,
    actions, memory: stagingMemory, backoff, ...keyring, ...(only === undefined ? {} : { only }), ...(retryNow === true ? { retryNow } : {}),
  });
  return {
    status,
    ready: () => passes > 0,
    actions: (name) => actions.records(name),
    async recheck(env) {
      // A change in a staging's namespace: that staging alone, like an environment.
      if (snapshot !== undefined && !snapshot.deployers.has(env) && snapshot.stagings.has(env)) {
        const result = await stagingPass(snapshot, env, true);
        stagings = new Map([...stagings, ...result.stagings]);
        return status();
      }
      if (snapshot === undefined || !snapshot.deployers.has(env)) return status();
      const result = await deployEnvironments({ snapshot, cache: reader.cache, targets: deps.targets, previous: environments, clock: deps.clock, logger: deps.logger, backoff, only: env, retryNow: true, memory, ...keyring });
      environments = new Map([...environments, ...result.environments]);
      for (const changed of result.environments.values()) if (changed.state !== 'Unreachable') deps.deployerMetrics.succeeded(changed.env, deps.clock.now());
      return status();
    },
    async pass(only) {
      const started = performance.now();
      // 1. Fetch the branch; an empty remote has nothing to deploy yet.
      const head = await deps.repo.fetch();
      if (head === null) {
        passes++;
        return status();
      }
      // 2. Parse the commit (only what changed is re-read and re-parsed).
      const read = await reader.read(head);
      snapshot = read;
      // 3. Deploy every bound environment; unreachable targets keep their last status, marked Unreachable.
      const result = await deployEnvironments({ snapshot: read, cache: reader.cache, targets: deps.targets, previous: environments, clock: deps.clock, logger: deps.logger, backoff, memory, ...keyring, ...(only === undefined ? {} : { only }) });
      // 4. The stagings, after the environments: each as its kind's template renders, on its kind's target.
      const staged = await stagingPass(read, only);
      // 5. Publish: environments no longer in deployers.yaml, and stagings whose files are gone, disappear from the status.
      environments = only === undefined ? result.environments : new Map([...environments, ...result.environments]);
      stagings = only === undefined ? staged.stagings : new Map([...stagings, ...staged.stagings]);
      commit = head;
      // 6. Targets forget what they keep (watches) for environments no longer bound to them and stagings gone or cleaned up.
      if (only === undefined) {
        for (const [name, target] of deps.targets) {
          const envs = [...read.deployers.values()].filter((b) => b.target === name).map((b) => b.env);
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

/**
 * Creates the deployer and starts its loop: poll every `repo.pollInterval`, run at once on `/refresh`, deploy an
 * environment again when its target reports a change in the cluster, look again soon while a rollout no watch
 * follows is in progress, reconcile everything afresh every `deployer.reconcileInterval` when targets watch, and
 * tell the transitioner whenever an environment's state or commit changed.
 */
export function createDeployer(deps: DeployerDeps): Deployer {
  // An unreachable target is tried again no sooner than the next poll, then less and less often.
  const stagingActions = deps.stagingActions ?? new StagingActionStore({ dir: join(deps.config.dataDir, 'deployer', 'stagings'), logger: deps.logger });
  const core = createDeployerCore({ ...deps, stagingActions, retry: { initial: deps.config.repo.pollInterval } });
  const notifier = deps.notifier ?? createRefreshNotifier({ peers: [deps.config.deployer.transitioner, deps.config.deployer.aggregator], logger: deps.logger });
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
  // Passes never overlap: the loop's and those for reported changes take turns.
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
      // The transitioner also removes a staging's file once it reads CleanedUp; the dashboard shows every phase.
      const staged = changedStagings(before, after);
      const news = [...(changed.length > 0 ? [`rollout changed in ${changed.join(', ')}`] : []), ...(staged.length > 0 ? [`stagings changed: ${staged.join(', ')}`] : [])];
      if (news.length > 0) notifier.notify(news.join('; '));
      // After a failed pass the loop's backoff decides when to look again, not the rollout.
      const unwatched = after.environments.filter((e) => deps.targets.get(e.target)?.watching?.(e.env) !== true);
      // Pods going and namespaces being deleted are followed by no watch: a staging on its way is looked at again soon.
      if (passed && (rolloutInProgress({ environments: unwatched }) || stagingsOnTheWay(after))) scheduleRecheck();
    }
  };
  const loop: LoopHandle = startLoop({
    name: 'deployer',
    interval: deps.config.repo.pollInterval,
    clock: deps.clock,
    logger: deps.logger,
    run: () => exclusive(() => {
      recheck?.abort();
      return publishing(() => core.pass());
    }),
  });
  const rechecks = createLiveRechecks((envs) => exclusive(async () => {
    for (const env of envs) await publishing(() => core.recheck(env));
  }), deps.logger);
  // Watches can miss an event (a bug, a proxy); a periodic pass that reads everything afresh makes up for it.
  const resyncing = [...deps.targets.values()].filter((target) => target.resync !== undefined);
  const reconciling = resyncing.length === 0 ? Promise.resolve() : (async () => {
    for (;;) {
      await deps.clock.sleep(deps.config.deployer.reconcileInterval, stopping.signal);
      if (stopping.signal.aborted) return;
      for (const target of resyncing) target.resync?.();
      await loop.trigger();
    }
  })();
  const refresh = async () => {
    await loop.trigger();
    return core.status();
  };
  const app = createDeployerApi({ core, refresh: () => loop.trigger(), logs: deps.logs, logger: deps.logger, metrics: deps.metrics, tokens: deps.config.aggregator.tokens, stagingActions: core.actions });
  return {
    app,
    status: core.status,
    refresh,
    liveChanged(env, why) {
      deps.logger.debug('live objects changed', { env, why });
      rechecks.request(env);
    },
    async stop() {
      stopping.abort();
      recheck?.abort();
      await rechecks.stop();
      await loop.stop();
      await reconciling;
      await stagingActions.flush();
      notifier.close();
    },
  };
}
