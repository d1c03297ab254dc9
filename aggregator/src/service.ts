// Running the aggregator: open the repo, start the watch loops, serve the app; stop in reverse order.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CascadeConfig } from '@cascade/common/config';
import { advertisedUrl, LeaseElector, leaseLabels, memberLeaseName, serviceElection } from '@cascade/common/election';
import type { LeaseApi } from '@cascade/common/election';
import type { GitRepo } from '@cascade/common/git';
import { openRepo } from '@cascade/common/git';
import type { InProcessPeers, LoopHandle, ServerHandle, ServiceStartOptions } from '@cascade/common/service';
import { createAuth, createLogger, createRefreshNotifier, MetricsRegistry, serve, startLoop, systemClock } from '@cascade/common/service';
import { createAggregatorApp } from './app.ts';
import type { AggregatorApp } from './api/deps.ts';
import { createPeopleAuth } from './auth/people.ts';
import { HistoryIndex, type HistoryIndexOptions } from './history/history-index.ts';
import { AggregatorState } from './state/aggregator-state.ts';
import { StatusViews } from './visibility/status-views.ts';

/** How often the deployer's and the transitioner's statuses are polled. */
export const PEER_POLL_MS = 5000;

/** The built UI shipped next to the aggregator in this repository. */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../ui/dist', import.meta.url));

/** Options of startAggregator beyond the config file. */
export interface StartAggregatorOptions extends ServiceStartOptions, InProcessPeers {
  uiDir?: string;
  history?: HistoryIndexOptions;
  /** Overrides the peer poll interval. */
  peerPollMs?: number;
  /** How the OIDC provider is reached; default the global fetch (tests put a stand-in in between). */
  oidcFetch?: typeof fetch;
  /** The Lease API to elect with instead of the cluster `election` names (tests). */
  leaseApi?: LeaseApi;
}

/** A running aggregator. */
export interface RunningAggregator {
  url: string;
  app: AggregatorApp;
  state: AggregatorState;
  repo: GitRepo;
  /** Runs a repo refresh now and waits for it (tests, and after writes). */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the aggregator from the `aggregator` and `repo` sections of the config. */
export async function startAggregator(config: CascadeConfig, options: StartAggregatorOptions = {}): Promise<RunningAggregator> {
  const clock = options.clock ?? systemClock;
  const logger = (options.logger ?? createLogger({ level: config.log.level, format: config.log.format, clock })).child({ service: 'aggregator' });
  const section = config.aggregator;
  // Before the repo is opened: an unusable key or secret file stops the start with its name, leaving nothing to close.
  const people = await createPeopleAuth(section.auth, { clock, logger, tokens: section.tokens, ...(options.oidcFetch ? { fetch: options.oidcFetch } : {}) });
  const repo = await openRepo({ url: config.repo.url, branch: config.repo.branch, dir: join(config.dataDir, 'aggregator', 'repo.git'), sharedReads: options.sharedReads });
  const index = HistoryIndex.forRepo(repo, options.history);
  // With `election`, the peers are the replicas holding Leases, and every aggregator replica keeps a member Lease so
  // the other services tell each one of changes.
  const election = await serviceElection(config, options.leaseApi);
  const directory = election === undefined ? {} : { directory: election.directory };
  const inProcess = options.deployerStatus === undefined ? {} : { deployerStatus: options.deployerStatus };
  const state = new AggregatorState({ repo, index, deployerUrl: section.deployer, transitionerUrl: section.transitioner, clock, ...directory, ...inProcess });
  const loops: LoopHandle[] = [];
  const member = election === undefined ? undefined : new LeaseElector({
    api: election.api, name: memberLeaseName(election.installation, 'aggregator', election.identity), identity: election.identity,
    labels: leaseLabels(election.installation, 'aggregator-member'), logger, ...election.timing,
  });
  let ownAddress: string | undefined;
  // After every acknowledged write the deployer and the transitioner (and the other aggregator replicas) look at once instead of at their next poll.
  const peers = createRefreshNotifier({
    logger,
    peers: election === undefined ? [section.deployer, section.transitioner] : async () => {
      const replicas = await election.directory.replicas();
      const all = [...replicas.deployerShards, replicas.transitioner, ...replicas.aggregators].filter((url): url is string => url !== undefined && url !== ownAddress);
      return [...new Set(all)];
    },
  });
  let server: ServerHandle | undefined;
  try {
    // Read the repo once before serving, so the first status answer is complete; a failure here is retried by the loop.
    await state.refreshRepo().catch((error: unknown) => logger.warn('first repo read failed; retrying', { error }));
    const repoLoop = startLoop({ name: 'repo-watch', interval: config.repo.pollInterval, run: () => state.refreshRepo(), clock, logger });
    loops.push(repoLoop);
    // After our own push the tracking ref already has the new head: catch up without another fetch, coalescing bursts.
    const writeLoop = startLoop({ name: 'after-write', interval: config.repo.pollInterval, run: () => state.refreshRepo({ fetch: false }), clock, logger });
    loops.push(writeLoop);
    const peerLoop = startLoop({ name: 'peer-status', interval: options.peerPollMs ?? PEER_POLL_MS, run: () => state.refreshPeers(), clock, logger });
    loops.push(peerLoop);
    const uiDir = options.uiDir ?? DEFAULT_UI_DIR;
    const uiBuilt = existsSync(uiDir);
    // Without the built dashboard `/` answers 404: say so once at start instead of leaving a person at a blank page.
    if (!uiBuilt) logger.warn('the dashboard is not built, so / answers 404 (npm run ui:build builds it)', { uiDir });
    const app = createAggregatorApp({
      deps: {
        repo,
        state,
        index,
        clock,
        auth: createAuth({ tokens: section.tokens, anonymousRead: section.anonymousRead, people: people.authenticators, trustedOrigins: people.trustedOrigins }),
        signIn: people.signIn,
        ...(people.peerToken === undefined ? {} : { peerToken: people.peerToken }),
        deployerUrl: section.deployer,
        transitionerUrl: section.transitioner,
        ...directory,
        ciEnvironments: section.ciEnvironments ?? [],
        views: new StatusViews(section.publicConfig ?? []),
        afterWrite: () => {
          void writeLoop.trigger();
          peers.notify('acknowledged write');
        },
        refresh: async (changed) => {
          // A peer's status alone (the deployer's rollouts) needs no fetch: the repo loop keeps its own pace then.
          if (changed === 'status') return peerLoop.trigger();
          // A caller waiting on `/refresh` hears how the repo read went, and the peers' poll only when that succeeded.
          const [repoRun, peerRun] = await Promise.all([repoLoop.trigger(), peerLoop.trigger()]);
          return repoRun.outcome === 'succeeded' ? peerRun : repoRun;
        },
      },
      logger,
      metrics: new MetricsRegistry({ processMetrics: true }),
      registerSignInRoutes: people.registerRoutes,
      ...(uiBuilt ? { uiDir } : {}),
    });
    server = await serve(app, options.listen ?? section.listen, logger);
    const running = server;
    ownAddress = advertisedUrl(config, running.url);
    member?.advertise(ownAddress);
    member?.start();
    return {
      url: running.url,
      app,
      state,
      repo,
      refresh: () => state.refreshRepo(),
      stop: async () => {
        await member?.stop();
        if (member !== undefined) await election?.api.remove(member.name).catch(() => {});
        peers.close();
        await running.close();
        await Promise.all(loops.map((loop) => loop.stop()));
        await repo.close();
      },
    };
  } catch (error) {
    peers.close();
    await server?.close();
    await Promise.all(loops.map((loop) => loop.stop()));
    await repo.close();
    throw error;
  }
}
