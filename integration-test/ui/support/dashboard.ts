// One aggregator on a real bare remote serving the built dashboard, plus a headless Chromium, for the browser tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAggregator, type RunningAggregator } from '@cascade/aggregator';
import { parseConfig } from '@cascade/common/config';
import { captureLogger, generateToken, hashToken, ROLES, type Role } from '@cascade/common/service';
import { createFixture, type FixtureSpec, type GitFixture } from '@cascade/git-fixture';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startPeerStub, type PeerRoutes, type PeerStub } from './peer-stubs.ts';
import { ensureUiBuilt } from './ui-build.ts';
import { chromiumPath } from '../../../scripts/browser/chromium.mjs';

/** Debian's Chromium or CASCADE_CHROMIUM: the binary `npm test` made sure of (scripts/ensure-browser.mjs). */
const CHROMIUM = chromiumPath(process.env);
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Launches headless Chromium. */
function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A running dashboard and what a test drives it with. */
export interface Dashboard {
  url: string;
  fx: GitFixture;
  aggregator: RunningAggregator;
  browser: Browser;
  /** A secret token per role; the token's name is `<role>-person`. */
  tokens: Record<Role, string>;
  /** Opens the dashboard in a fresh context signed in as `role` (none: anonymous) at `hash`. */
  open(options?: { role?: Role; hash?: string; viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark'; timezoneId?: string; prepare?: (context: BrowserContext) => Promise<unknown> }): Promise<Page>;
  /** Calls the API over HTTP as `role`. */
  call(method: string, path: string, options?: { role?: Role; body?: unknown }): Promise<Response>;
  /** Stops the aggregator as an outage would: open pages lose their live connection and nothing answers any more. */
  stopServer(): Promise<void>;
  cleanup(): Promise<void>;
}

/** Options of startDashboard. */
export interface DashboardOptions {
  fixture: FixtureSpec;
  anonymousRead?: boolean;
  /** Status bodies for the deployer and transitioner stand-ins; absent leaves the peers unreachable. */
  peers?: { deployer: () => unknown; transitioner: () => unknown; deployerRoutes?: PeerRoutes; transitionerRoutes?: PeerRoutes };
  /** How often the aggregator polls the peers; short by default so tests see the stand-ins at once. */
  peerPollMs?: number;
  /** YAML lines of `aggregator.auth` (indented below it), for the sign-in tests. */
  auth?: string[];
  /** The aggregator's address; default any free port on 127.0.0.1 (an OIDC redirect URL needs to know it first). */
  listen?: string;
  /** How the aggregator reaches the OIDC provider (the sign-in tests put a stand-in in between). */
  oidcFetch?: typeof fetch;
}

/** Builds the UI if needed, creates the fixture remote, starts the aggregator on 127.0.0.1:0 and Chromium. */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const uiDir = await ensureUiBuilt();
  const fx = await createFixture(options.fixture);
  const dataDir = await mkdtemp(join(tmpdir(), 'cascade-ui-test-'));
  const stubs: PeerStub[] = options.peers ? [await startPeerStub(options.peers.deployer, options.peers.deployerRoutes), await startPeerStub(options.peers.transitioner, options.peers.transitionerRoutes)] : [];
  const tokens = Object.fromEntries(ROLES.map((role) => [role, generateToken()])) as Record<Role, string>;
  const config = parseConfig(
    [
      `repo: { url: ${JSON.stringify(fx.remote)}, branch: main, pollInterval: 1s }`,
      `dataDir: ${JSON.stringify(dataDir)}`,
      'aggregator:',
      '  listen: 127.0.0.1:0',
      // Port 9 (discard) refuses connections: without stand-ins the peers are reported unreachable.
      `  deployer: ${stubs[0]?.url ?? 'http://127.0.0.1:9'}`,
      `  transitioner: ${stubs[1]?.url ?? 'http://127.0.0.1:9'}`,
      `  anonymousRead: ${options.anonymousRead ?? false}`,
      '  tokens:',
      ...ROLES.map((role) => `    - { name: ${role}-person, role: ${role}, sha256: ${hashToken(tokens[role])} }`),
      ...(options.auth ? ['  auth:', ...options.auth.map((line) => `    ${line}`)] : []),
    ].join('\n'),
    { file: join(dataDir, 'cascade.yaml'), env: {} },
  );
  const { logger } = captureLogger();
  const aggregator = await startAggregator(config, { logger, uiDir, listen: options.listen ?? '127.0.0.1:0', peerPollMs: options.peerPollMs ?? 300, ...(options.oidcFetch ? { oidcFetch: options.oidcFetch } : {}) });
  await aggregator.refresh();
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  // Stopped once, whether by a test or by the cleanup after it.
  let stopped: Promise<void> | undefined;
  const stopServer = () => (stopped ??= aggregator.stop());
  return {
    url: aggregator.url,
    fx,
    aggregator,
    browser,
    tokens,
    async open(openOptions = {}) {
      const context = await browser.newContext({
        viewport: openOptions.viewport ?? { width: 1280, height: 800 },
        colorScheme: openOptions.colorScheme ?? 'light',
        reducedMotion: 'reduce',
        ...(openOptions.timezoneId ? { timezoneId: openOptions.timezoneId } : {}),
      });
      contexts.push(context);
      const token = openOptions.role ? tokens[openOptions.role] : undefined;
      // The dashboard keeps the pasted token in sessionStorage; put it there as a person would have.
      if (token) await context.addInitScript(`sessionStorage.setItem('cascade.token', ${JSON.stringify(token)})`);
      await openOptions.prepare?.(context);
      const page = await context.newPage();
      await page.goto(`${aggregator.url}/${openOptions.hash ?? ''}`);
      return page;
    },
    call(method, path, callOptions = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (callOptions.role) headers['authorization'] = `Bearer ${tokens[callOptions.role]}`;
      return fetch(`${aggregator.url}${path}`, { method, headers, ...(callOptions.body === undefined ? {} : { body: JSON.stringify(callOptions.body) }) });
    },
    stopServer,
    async cleanup() {
      for (const context of contexts) await context.close().catch(() => {});
      await browser.close();
      await stopServer();
      for (const stub of stubs) await stub.close();
      await fx.cleanup();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
