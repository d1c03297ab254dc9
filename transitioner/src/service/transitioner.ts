// createTransitioner: the loop around the pure core, its status, metrics and HTTP app, all dependencies passed in.
import type { Hono } from 'hono';
import { SnapshotReader, type TransitionResult } from '@cascade/common';
import type { RefreshNotifier } from '@cascade/common/service';
import type { CascadeConfig } from '@cascade/common/config';
import type { GitRepo } from '@cascade/common/git';
import type { Fence } from '@cascade/common/election';
import { FenceLostError, runFenced } from '@cascade/common/election';
import type { DeployerClient } from '@cascade/common/peers';
import { createServiceApp, MetricsRegistry, startLoop, type Clock, type Identity, type Logger, type LoopHandle, type LoopRunResult, type RefreshChange, type ServiceEnv } from '@cascade/common/service';
import { addTransitionerRoutes } from '../api/routes.ts';
import { nextDueTime } from '../core/next-due.ts';
import type { DecidedInputs } from '../core/unchanged-round.ts';
import { RepoObserver } from '../history/observe.ts';
import { SharedWalks } from '../history/shared-walks.ts';
import { StagingObserver } from '../history/staging-observe.ts';
import { DueWaker } from './due-waker.ts';
import { runRound, runTransitionNow, type RoundDeps, type RoundReport } from './round.ts';
import type { TransitionerStatusWithStagings } from './staging-status.ts';
import { StatusStore } from './status-store.ts';

/** What createTransitioner needs. */
export interface TransitionerOptions {
  /** `repo.pollInterval` sets the round interval; `aggregator.tokens` guard the write endpoints when there are any. */
  config: Pick<CascadeConfig, 'repo' | 'aggregator'>;
  repo: GitRepo;
  /** Where rounds ask what is deployed (`createDeployerClient`). */
  deployerClient: Pick<DeployerClient, 'status'>;
  clock: Clock;
  logger: Logger;
  metrics?: MetricsRegistry;
  /** Told after every promotion or staging lifecycle commit so the deployer applies it at once (`POST <deployer>/refresh`); none by default. */
  deployerNotifier?: Pick<RefreshNotifier, 'notify' | 'close'>;
  /** The Lease of the active transitioner: without it held, rounds and manual runs do nothing, and no commit is made; absent: always active. */
  lease?: Fence;
}

/** A transitioner: its HTTP app, and its loop once started. */
export interface Transitioner {
  app: Hono<ServiceEnv>;
  /** Starts the loop: a round now, then one per poll interval and per refresh, and one when a window or staging step falls due before the next poll. */
  start(): void;
  /**
   * Asks the loop for a round as soon as possible and resolves when it has run; `changed: 'status'` says only the
   * deployer's status changed, so the round need not fetch the repo (it does when its last fetch is a poll interval old).
   */
  refresh(changed?: RefreshChange): Promise<LoopRunResult>;
  /** Runs one round now, without the loop (one-shot use and tests); throws what the round threw. */
  runOnce(): Promise<void>;
  /** Runs one transition now (schedule ignored, locks and preconditions honoured); undefined when there is no such transition. */
  runNow(name: string, identity?: Identity): Promise<TransitionResult | undefined>;
  status(): TransitionerStatusWithStagings;
  /** Stops the loop, letting a write under way finish (it cannot be taken back once pushed). */
  stop(): Promise<void>;
}

/** Creates a transitioner; nothing runs until `start()`. */
export function createTransitioner(options: TransitionerOptions): Transitioner {
  const { config, repo, deployerClient, clock } = options;
  const logger = options.logger.child({ service: 'transitioner' });
  const metrics = options.metrics ?? new MetricsRegistry({ processMetrics: true });
  // The version order and the changelogs read the same files' history at the same head: one walk serves both.
  const walks = new SharedWalks(repo);
  const history = { log: walks.log.bind(walks), changedPaths: repo.changedPaths.bind(repo), readBlob: repo.readBlob.bind(repo) };
  // The deployer hears of a promotion as soon as its commit is on the remote, not once the rest of the round is done.
  const promoted = (transition: string) => options.deployerNotifier?.notify(`promoted by ${transition}`);
  const deps: RoundDeps = { repo, reader: new SnapshotReader(repo), observer: new RepoObserver(history), stagingObserver: new StagingObserver(repo), deployer: deployerClient, clock, walks, promoted };
  const store = new StatusStore();
  const counters = transitionerMetrics(metrics);
  let loop: LoopHandle | undefined;
  const waker = new DueWaker(clock, config.repo.pollInterval, () => void loop?.trigger());
  // Problems already logged, so one that lasts is logged once rather than every round.
  const loggedProblems = new Map<string, string>();
  // Rounds and manual runs take turns, so two decisions never race each other inside one process.
  let turn: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const next = turn.then(work);
    turn = next.catch(() => {});
    return next;
  };

  const report = (round: RoundReport, wholeRound: boolean) => {
    store.record(round, wholeRound);
    for (const { transition, result } of round.results) {
      counters.runs.inc({ transition: transition.name, result: result.kind });
      if (result.kind === 'Success') logger.info('promoted', { transition: transition.name, commit: result.commit, resources: result.promoted.map((r) => r.name), ...(result.held ? { held: result.held.map((h) => `${h.name} (${h.file}: ${h.code})`) } : {}) });
      else if (result.kind !== 'Skipped') logger.info(result.kind === 'Blocked' ? 'blocked' : 'check failed', { transition: transition.name, message: result.message });
    }
    if (round.stagings) reportStagings(round.stagings);
  };

  const reportStagings = ({ actions, plans }: NonNullable<RoundReport['stagings']>) => {
    for (const { name, action, commit } of actions) {
      counters.stagingActions.inc({ action });
      logger.info(`staging ${action}`, { staging: name, commit });
    }
    if (actions.length > 0) options.deployerNotifier?.notify(`staging ${actions.map((a) => `${a.action} ${a.name}`).join(', ')}`);
    const current = new Map(plans.flatMap(({ staging, decision }) => (decision.kind === 'Stuck' ? [[staging.name, decision.problem] as const] : [])));
    for (const [name, problem] of current) if (loggedProblems.get(name) !== problem) logger.warn('staging stuck', { staging: name, problem });
    loggedProblems.clear();
    for (const [name, problem] of current) loggedProblems.set(name, problem);
  };

  const round = (signal: AbortSignal) =>
    exclusive(async () => {
      // A standby replica only waits: the replica holding the Lease decides and commits.
      if (options.lease !== undefined && !options.lease.ok()) return;
      await runFenced(options.lease, () => roundAsLeader(signal));
    });

  // What the last round decided on while it wrote nothing: a round on the same inputs is left out (decidesAsBefore).
  let decided: DecidedInputs | undefined;
  // Whether the next round fetches: every round does, but those asked for by the deployer's status news alone, while
  // the last fetch is less than a poll interval old (the deployer writes nothing to the repo; writers tell us).
  let fetchWanted = true;
  let lastFetchAt = Number.NEGATIVE_INFINITY;
  const roundAsLeader = async (signal: AbortSignal) => {
    const started = performance.now();
    const last = decided;
    decided = undefined;
    const now = clock.now().getTime();
    const fetch = fetchWanted || now - lastFetchAt >= config.repo.pollInterval;
    fetchWanted = false;
    try {
      const done = await runRound(deps, signal, last, { fetch });
      if (fetch) lastFetchAt = now;
      if (done === undefined) {
        decided = last;
        counters.rounds.inc({ outcome: 'unchanged' });
        return;
      }
      report(done, true);
      counters.rounds.inc({ outcome: 'succeeded' });
      const due = done.final ? nextDueTime(done.final, done.stagings?.plans ?? [], done.time, done.inputs?.observed) : undefined;
      // Only a running loop is woken; one-shot rounds (runOnce) have nothing to wake.
      if (loop && done.final) waker.arm(due);
      // One-shot rounds (runOnce) always decide: only the loop's polls are left out.
      if (loop && done.inputs !== undefined && done.final?.commit === done.inputs.head) decided = { head: done.inputs.head, deployer: done.inputs.deployer, time: done.time, due };
    } catch (error) {
      // The next round reads the repo afresh, whatever asked for it.
      fetchWanted = true;
      store.recordError(error);
      counters.rounds.inc({ outcome: 'failed' });
      throw error;
    } finally {
      counters.duration.observe({}, (performance.now() - started) / 1000);
    }
  };

  const control = {
    status: () => store.status(),
    refresh: (changed?: RefreshChange): Promise<LoopRunResult> => {
      if (changed !== 'status') fetchWanted = true;
      return loop ? loop.trigger() : Promise.resolve({ outcome: 'stopped' });
    },
    runNow: (name: string, identity?: Identity) =>
      exclusive(async () => {
        if (options.lease !== undefined && !options.lease.ok()) throw new FenceLostError(options.lease.name);
        // A person the aggregator passed on is the author with their address, as their own writes there are.
        const author = identity && !identity.anonymous ? { name: identity.name, email: identity.person?.email ?? 'cascade@localhost' } : undefined;
        // A person's run may commit, or decide otherwise than the last round: the next round decides afresh.
        decided = undefined;
        const run = await runTransitionNow(deps, name, author);
        if (run) report(run.report, false);
        return run?.result;
      }),
  };
  const app = createServiceApp({
    name: 'transitioner',
    logger,
    metrics,
    readiness: async () => (loop?.status().lastSuccessAt ? { ready: true } : { ready: false, reason: loop ? 'the first round has not finished yet' : 'not started' }),
  });
  addTransitionerRoutes(app, control, config.aggregator.tokens);

  return {
    app,
    start() {
      loop ??= startLoop({ name: 'transitions', interval: config.repo.pollInterval, run: round, clock, logger });
    },
    refresh: control.refresh,
    runOnce: () => {
      // A one-shot round reads the repo as it is now, whatever the loop's last round fetched.
      fetchWanted = true;
      return round(new AbortController().signal);
    },
    runNow: control.runNow,
    status: control.status,
    async stop() {
      waker.stop();
      await loop?.stop();
      // Again: the round the loop let finish may have armed a new wake-up.
      waker.stop();
      options.deployerNotifier?.close();
    },
  };
}

/** The transitioner's own metrics. */
function transitionerMetrics(metrics: MetricsRegistry) {
  return {
    runs: metrics.counter({ name: 'cascade_transitioner_runs_total', help: 'Transition runs, by transition and result (Success, Skipped, Blocked, CheckFailed).', labelNames: ['transition', 'result'] }),
    rounds: metrics.counter({ name: 'cascade_transitioner_rounds_total', help: 'Rounds over all transitions, by outcome (succeeded, failed, unchanged: same head and deployer report, nothing due, so not decided again).', labelNames: ['outcome'] }),
    duration: metrics.histogram({ name: 'cascade_transitioner_round_duration_seconds', help: 'Duration of a round in seconds.' }),
    stagingActions: metrics.counter({ name: 'cascade_transitioner_staging_actions_total', help: 'Staging lifecycle commits, by action (archive, cleanup, remove).', labelNames: ['action'] }),
  };
}
