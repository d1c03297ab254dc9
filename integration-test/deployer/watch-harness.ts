// A deployer service that watches the test cluster, wired as `startDeployer` wires it, with what tests look at:
// how often it fetched the repo (each full pass fetches once), what it told the transitioner, what it applied.
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
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
  const metrics: DeployerMetrics = {
    applied: (_env, reason) => void (applied[reason] = (applied[reason] ?? 0) + 1),
    pruned: () => {},
    failed: () => {},
    loopDuration: () => {},
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
    async stop() {
      await deployer.stop();
      await target.close?.();
      await repo.close();
      await fixture.cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A TCP proxy in front of the API server that can drop every connection and refuse new ones, as a restart would. */
export interface TcpProxy {
  /** The kubeconfig `kc` pointed at the proxy (TLS passes through; the server's certificate names 127.0.0.1). */
  kubeConfig: KubeConfig;
  /** Connections refused since `refuse()`. */
  readonly refused: number;
  /** Destroys every open connection and from now on closes new ones at once. */
  refuse(): void;
  /** Forwards new connections again. */
  accept(): void;
  close(): Promise<void>;
}

/** Starts a proxy to the API server of `kc`. */
export async function startTcpProxy(kc: KubeConfig): Promise<TcpProxy> {
  const upstream = new URL(kc.getCurrentCluster()!.server);
  const open = new Set<Socket>();
  let refusing = false;
  let refused = 0;
  const server: Server = createServer((client) => {
    if (refusing) {
      refused++;
      client.destroy();
      return;
    }
    const remote = connect(Number(upstream.port || 443), upstream.hostname);
    for (const socket of [client, remote]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => {});
    }
    client.pipe(remote).pipe(client);
    client.on('close', () => remote.destroy());
    remote.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const proxied = new KubeConfig();
  proxied.loadFromOptions({
    clusters: kc.clusters.map((c) => (c.name === kc.getCurrentCluster()!.name ? { ...c, server: `https://127.0.0.1:${port}` } : c)),
    users: kc.users, contexts: kc.contexts, currentContext: kc.currentContext,
  });
  return {
    kubeConfig: proxied,
    get refused() {
      return refused;
    },
    refuse() {
      refusing = true;
      refused = 0;
      for (const socket of open) socket.destroy();
    },
    accept() {
      refusing = false;
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
