// The aggregator's HTTP app: the service base, the `/api/v1` routes, the OpenAPI document and the UI.
import { API_BASE } from '@cascade/common/api';
import type { Logger, MetricsRegistry, ServiceEnv } from '@cascade/common/service';
import { addRefreshRoute, createServiceApp, notFound } from '@cascade/common/service';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AggregatorApp, ApiApp, RouteDeps } from './api/deps.ts';
import { registerEventRoutes } from './api/events.ts';
import { registerLockRoutes } from './api/locks.ts';
import { registerComponents, registerOpenApiRoute } from './api/openapi.ts';
import { registerPromotionRoutes } from './api/promotions.ts';
import { registerReadRoutes } from './api/reads.ts';
import { validationHook } from './api/request-errors.ts';
import { registerEnvVersionsRoute } from './api/env-versions.ts';
import { registerRollbackRoutes } from './api/rollbacks.ts';
import { registerSignInRoute } from './api/sign-in.ts';
import { registerStagingActionRoutes } from './api/staging-actions.ts';
import { registerStagingReadRoutes } from './api/staging-reads.ts';
import { registerStagingWriteRoutes } from './api/staging-writes.ts';
import { registerVersionRoutes } from './api/versions.ts';
import { writeErrorToHttp } from './api/write-errors.ts';
import { serveUi } from './ui/static-ui.ts';

/** What the app is built from. */
export interface AggregatorAppOptions {
  deps: RouteDeps;
  logger: Logger;
  metrics: MetricsRegistry;
  /** Registers the browser routes of signing in (`/auth/…`, with OIDC); absent: none. */
  registerSignInRoutes?: (app: AggregatorApp) => void;
  /** Folder of the built UI; absent serves a page saying it is not built. */
  uiDir?: string;
  maxBodyBytes?: number;
}

/** Builds the app; routes get their dependencies as arguments, nothing is global. */
export function createAggregatorApp(options: AggregatorAppOptions): AggregatorApp {
  const { deps } = options;
  const app = createServiceApp({
    name: 'aggregator',
    logger: options.logger,
    metrics: options.metrics,
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
    readiness: async () => (deps.state.ready ? { ready: true } : { ready: false, reason: 'the resource repo has not been read yet' }),
    // Handlers only throw; a refused or failed write becomes its answer in the one error handler.
    mapError: writeErrorToHttp,
  });
  // A request failing its schema is thrown, so it takes the one error path like every other refusal.
  const api: ApiApp = new OpenAPIHono<ServiceEnv>({ defaultHook: validationHook });
  registerVersionRoutes(api, deps);
  registerLockRoutes(api, deps);
  registerRollbackRoutes(api, deps);
  registerEnvVersionsRoute(api, deps);
  registerPromotionRoutes(api, deps);
  registerStagingWriteRoutes(api, deps);
  registerReadRoutes(api, deps);
  registerSignInRoute(api, deps);
  registerStagingReadRoutes(api, deps);
  registerStagingActionRoutes(api, deps);
  registerEventRoutes(api, deps);
  registerOpenApiRoute(api);
  registerComponents(api);
  // Mounted once every route is registered: Hono copies a sub-app's routes when it is mounted.
  app.route(API_BASE, api);
  // Like the other services' /refresh: no input, no token, coalesced by the loops it triggers. Without a token it may
  // not show the status, so a waiting caller only learns that the repo and the peers have been looked at.
  addRefreshRoute(app, { trigger: deps.refresh ?? (async () => ({ outcome: 'stopped' })), answer: () => ({ refreshed: true }) });
  options.registerSignInRoutes?.(app);
  // Unknown API paths answer the JSON 404, not the UI's index page.
  app.get('/api/*', (c) => notFound(c));
  app.get('*', serveUi(options.uiDir ?? '/nonexistent-cascade-ui'));
  return app;
}
