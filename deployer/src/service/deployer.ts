// The deployer service: a loop that fetches the repo and deploys every environment, and the state its API serves.
import type { DeployerStatus, EnvironmentStatus, SnapshotWithFiles } from '@cascade/common';
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
import { changedEnvironments, rolloutInProgress } from '../status/rollout-changes.ts';
import type { Target } from '../targets/target.ts';
import { createLiveRechecks } from './live-rechecks.ts';
import type { DeployerMetrics } from './metrics.ts';
import { deployEnvironments, type PassMemory } from './pass.ts';
import { TargetBackoff } from './target-backoff.ts';

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
}

/** Builds the pass and the state it keeps, without starting anything. `retry` paces unreachable targets (default: from 1 s up to 5 min). */
export function createDeployerCore(deps: Pick<DeployerDeps, 'repo' | 'targets' | 'clock' | 'logger' | 'deployerMetrics' | 'keyring'> & { retry?: BackoffOptions }): DeployerCore {
  const reader = new SnapshotReader(deps.repo);
  const backoff = new TargetBackoff(deps.retry ?? {});
  let environments = new Map<string, EnvironmentStatus>();
  let commit: string | undefined;
  let snapshot: SnapshotWithFiles | undefined;
  let passes = 0;
  const memory: PassMemory = new Map();
  const keyring = deps.keyring === undefined ? {} : { keyring: deps.keyring };
  const status = (): DeployerStatus => ({ ...(commit === undefined ? {} : { commit }), environments: [...environments.values()] });
  return {
    status,
    ready: () => passes > 0,
    async recheck(env) {
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
      // 4. Publish: environments no longer in deployers.yaml disappear from the status.
      environments = only === undefined ? result.environments : new Map([...environments, ...result.environments]);
      commit = head;
      // 5. Targets forget what they keep (watches) for environments no longer bound to them.
      if (only === undefined) {
        for (const [name, target] of deps.targets) target.retain?.(new Set([...read.deployers.values()].filter((b) => b.target === name).map((b) => b.env)));
      }
      passes++;
      for (const env of result.environments.values()) if (env.state !== 'Unreachable') deps.deployerMetrics.succeeded(env.env, deps.clock.now());
      deps.deployerMetrics.loopDuration((performance.now() - started) / 1000);
      return status();
    },
  };
}

/**
 * Creates the deployer and starts its loop: poll every `repo.pollInterval`, run at once on `/refresh`, deploy an
 * environment again when its target reports a change in the cluster, look again soon while a rollout no watch
 * follows is in progress, reconcile everything afresh every `deployer.reconcileInterval` when targets watch, and
 * tell the transitioner whenever an environment's state or commit changed.
 */
export function createDeployer(deps: DeployerDeps): Deployer {
  // An unreachable target is tried again no sooner than the next poll, then less and less often.
  const core = createDeployerCore({ ...deps, retry: { initial: deps.config.repo.pollInterval } });
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
      if (changed.length > 0) notifier.notify(`rollout changed in ${changed.join(', ')}`);
      // After a failed pass the loop's backoff decides when to look again, not the rollout.
      const unwatched = after.environments.filter((e) => deps.targets.get(e.target)?.watching?.(e.env) !== true);
      if (passed && rolloutInProgress({ environments: unwatched })) scheduleRecheck();
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
  const app = createDeployerApi({ core, refresh: () => loop.trigger(), logs: deps.logs, logger: deps.logger, metrics: deps.metrics, tokens: deps.config.aggregator.tokens });
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
      notifier.close();
    },
  };
}
