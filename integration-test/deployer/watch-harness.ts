// A deployer service that watches the test cluster, wired as `startDeployer` wires it, with what tests look at:
// how often it fetched the repo (each full pass fetches once), what it told the transitioner, what it applied.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { RolloutState } from '@cascade/common';
import { parseConfig } from '@cascade/common/config';
import { openRepo } from '@cascade/common/git';
import type { Clock } from '@cascade/common/service';
import { MetricsRegistry, silentLogger, systemClock } from '@cascade/common/service';
import type { Deployer, DeployerMetrics } from '@cascade/deployer';
import { CascadeObjectApi, ScriptLogStore, createDeployer, createKubernetesTarget } from '@cascade/deployer';
import { createFixture } from '@cascade/git-fixture';
import type { FixtureSpec, GitFixture } from '@cascade/git-fixture';
import type { KubernetesWatchOptions } from '@cascade/deployer/kubernetes';

/** One call of the transitioner notifier, with every environment's state right then. */
export interface Notice {
  reason: string;
  states: Record<string, RolloutState | 'Unreachable'>;
}

/** A running watching deployer and what it did. */
export interface WatchingDeployer {
  deployer: Deployer;
  fixture: GitFixture;
  /** Repo fetches so far: one per full pass (the first, polls, refreshes, reconciles), none for a pass one event caused. */
  fetches(): number;
  notices: Notice[];
  /** Objects applied, by reason (create, change, drift). */
  applied: Record<string, number>;
  /** Steps taken so far, by step (render and plan per environment deployed, fetch and read per pass). */
  steps: Record<string, number>;
  /** Passes of the loop completed so far (not counting looks at one environment after an event). */
  passes(): number;
  stop(): Promise<void>;
}

/** Options of startWatchingDeployer. */
export interface WatchingOptions {
  clock?: Clock;
  /** `deployer.reconcileInterval` as cascade.yaml writes it; default 10m. */
  reconcileInterval?: string;
  /** Wraps the watches' I/O, e.g. to lose events. */
  source?: KubernetesWatchOptions['source'];
}

/** Starts a deployer over `spec` with target `local` on the cluster of `kc`, polling only hourly. */
export async function startWatchingDeployer(kc: KubeConfig, spec: FixtureSpec, options: WatchingOptions = {}): Promise<WatchingDeployer> {
  const clock = options.clock ?? systemClock;
  const fixture = await createFixture(spec);
  const dir = await mkdtemp(join(tmpdir(), 'cascade-deployer-watch-'));
  const repo = await openRepo({ url: fixture.remote, branch: fixture.branch, dir: join(dir, 'repo.git') });
  const config = parseConfig(`repo: { url: ${JSON.stringify(fixture.remote)}, branch: ${fixture.branch}, pollInterval: 1h }\ndeployer: { reconcileInterval: ${options.reconcileInterval ?? '10m'} }\n`, { file: join(dir, 'cascade.yaml') });
  let fetches = 0;
  const applied: Record<string, number> = {};
  const steps: Record<string, number> = {};
  let passes = 0;
  const metrics: DeployerMetrics = {
    applied: (_env, reason) => void (applied[reason] = (applied[reason] ?? 0) + 1),
    pruned: () => {},
    failed: () => {},
    loopDuration: () => void passes++,
    step: (step) => void (steps[step] = (steps[step] ?? 0) + 1),
    fullReconcile: () => {},
    succeeded: () => {},
  };
  let observe = (_env: string, _why: string): void => {};
  const target = createKubernetesTarget({
    name: 'local', installation: config.deployer.installation, client: CascadeObjectApi.forConfig(kc), clock, logger: silentLogger, metrics,
    watch: { kubeConfig: kc, onChange: (env, why) => observe(env, why), ...(options.source ? { source: options.source } : {}) },
  });
  const notices: Notice[] = [];
  const deployer: Deployer = createDeployer({
    config, clock, logger: silentLogger, metrics: new MetricsRegistry(), deployerMetrics: metrics, logs: new ScriptLogStore(),
    repo: { fetch: () => (fetches++, repo.fetch()), readFiles: (commit) => repo.readFiles(commit) },
    targets: new Map([['local', target]]),
    notifier: { notify: (reason) => void notices.push({ reason, states: Object.fromEntries(deployer.status().environments.map((e) => [e.env, e.state])) }), close: () => {} },
  });
  observe = (env, why) => deployer.liveChanged(env, why);
  return {
    deployer,
    fixture,
    fetches: () => fetches,
    notices,
    applied,
    steps,
    passes: () => passes,
    async stop() {
      await deployer.stop();
      await target.close?.();
      await repo.close();
      await fixture.cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export { startTcpProxy, type TcpProxy } from '../setup/tcp-proxy.ts';
