// A running aggregator on a fresh git fixture, with one token per role, for the aggregator's and the CLI's tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeployerStatus } from '@cascade/common';
import { parseConfig } from '@cascade/common/config';
import type { Role } from '@cascade/common/service';
import { captureLogger, hashToken, ROLES } from '@cascade/common/service';
import { createFixture, type FixtureSpec, type GitFixture } from '@cascade/git-fixture';
import { startAggregator, type RunningAggregator } from '../service.ts';
import { roleTokens } from './deployer-double.ts';
import { SHOP_FIXTURE } from './shop-fixture.ts';

export { SHOP_FIXTURE };
export { HISTORY_FIXTURE, HISTORY_FIXTURE_WINDOW } from './history-fixture.ts';
export { roleTokens, startDeployerDouble, type DeployerDouble } from './deployer-double.ts';
export { stagingFixture } from './staging-fixture.ts';
export { sessionCookieValue, type Session } from './session-cookie.ts';

/** A started aggregator and what a test needs around it. */
export interface Harness {
  fx: GitFixture;
  aggregator: RunningAggregator;
  /** A secret token per role; the token's name is `<role>-bot`. */
  tokens: Record<Role, string>;
  logs: () => string;
  /** Calls the API in-process (no socket) as `role`, or anonymously. */
  call(method: string, path: string, options?: { role?: Role; body?: unknown; token?: string }): Promise<Response>;
  /** Commits on the remote branch, oldest first. */
  remoteCommits(): Promise<string[]>;
  /** Stops the aggregator and starts a new one on the same repo and data directory, as a process restart would. */
  restart(): Promise<void>;
  cleanup(): Promise<void>;
}

/** Options of startHarness. */
export interface HarnessOptions {
  fixture?: FixtureSpec;
  anonymousRead?: boolean;
  transitionerUrl?: string;
  deployerUrl?: string;
  historyWindow?: number;
  /** `aggregator.ciEnvironments`: where ci may push besides the entry environments. */
  ciEnvironments?: string[];
  /** `aggregator.publicConfig`: config keys every reader may see. */
  publicConfig?: string[];
  /** The tokens per role, when a peer (a deployer double) must accept the same ones; default new ones. */
  tokens?: Record<Role, string>;
  /** YAML lines of `aggregator.auth` (indented below it), for the sign-in tests. */
  auth?: string[];
  /** More `aggregator.tokens` entries, as YAML flow maps (e.g. the aggregator's own delegating token). */
  extraTokens?: string[];
  /** The deployer's status read in-process, as under `cascade up` (StartAggregatorOptions.deployerStatus). */
  deployerStatus?: () => DeployerStatus;
}

/** Builds the fixture, writes a config with one token per role, and starts the aggregator on 127.0.0.1:0. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const fx = await createFixture(options.fixture ?? SHOP_FIXTURE);
  const dataDir = await mkdtemp(join(tmpdir(), 'cascade-aggregator-test-'));
  const tokens = options.tokens ?? roleTokens();
  const config = parseConfig(
    [
      `repo: { url: ${JSON.stringify(fx.remote)}, branch: main, pollInterval: 1h }`,
      `dataDir: ${JSON.stringify(dataDir)}`,
      'aggregator:',
      '  listen: 127.0.0.1:0',
      // Port 9 (discard) refuses connections: the peers are unreachable unless a test says otherwise.
      `  deployer: ${options.deployerUrl ?? 'http://127.0.0.1:9'}`,
      `  transitioner: ${options.transitionerUrl ?? 'http://127.0.0.1:9'}`,
      `  anonymousRead: ${options.anonymousRead ?? false}`,
      `  ciEnvironments: ${JSON.stringify(options.ciEnvironments ?? [])}`,
      `  publicConfig: ${JSON.stringify(options.publicConfig ?? [])}`,
      '  tokens:',
      ...ROLES.map((role) => `    - { name: ${role}-bot, role: ${role}, sha256: ${hashToken(tokens[role])} }`),
      ...(options.extraTokens ?? []).map((entry) => `    - ${entry}`),
      ...(options.auth ? ['  auth:', ...options.auth.map((line) => `    ${line}`)] : []),
    ].join('\n'),
    { file: join(dataDir, 'cascade.yaml'), env: {} },
  );
  const { logger, lines } = captureLogger();
  const start = async () => {
    const started = await startAggregator(config, { logger, uiDir: join(dataDir, 'no-ui'), peerPollMs: 3_600_000, history: { window: options.historyWindow ?? 10_000 }, ...(options.deployerStatus === undefined ? {} : { deployerStatus: options.deployerStatus }) });
    await started.refresh();
    return started;
  };
  let aggregator = await start();
  return {
    fx,
    get aggregator() {
      return aggregator;
    },
    tokens,
    logs: () => JSON.stringify(lines),
    call: (method, path, callOptions = {}) => {
      const token = callOptions.token ?? (callOptions.role ? tokens[callOptions.role] : undefined);
      const headers: Record<string, string> = {};
      if (token) headers['authorization'] = `Bearer ${token}`;
      if (callOptions.body !== undefined) headers['content-type'] = 'application/json';
      const body = callOptions.body === undefined ? undefined : typeof callOptions.body === 'string' ? callOptions.body : JSON.stringify(callOptions.body);
      return Promise.resolve(aggregator.app.request(path, { method, headers, ...(body === undefined ? {} : { body }) }));
    },
    remoteCommits: async () => (await fx.git('rev-list', '--reverse', 'main')).trim().split('\n'),
    restart: async () => {
      await aggregator.stop();
      aggregator = await start();
    },
    cleanup: async () => {
      await aggregator.stop();
      await fx.cleanup();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
