// The aggregator's HTTP app: the service base, the `/api/v1` routes, the OpenAPI document and the UI.
import type { Logger, MetricsRegistry } from '@cascade/common/service';
import { createServiceApp, notFound } from '@cascade/common/service';
import type { AggregatorApp, RouteDeps } from './api/deps.ts';
import { registerEventRoutes } from './api/events.ts';
import { registerLockRoutes } from './api/locks.ts';
import { openApiDocument } from './api/openapi.ts';
import { registerPromotionRoutes } from './api/promotions.ts';
import { registerReadRoutes } from './api/reads.ts';
import { registerRollbackRoutes } from './api/rollbacks.ts';
import { registerVersionRoutes } from './api/versions.ts';
import { serveUi } from './ui/static-ui.ts';

/** What the app is built from. */
export interface AggregatorAppOptions {
  deps: RouteDeps;
  logger: Logger;
  metrics: MetricsRegistry;
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
  });
  registerVersionRoutes(app, deps);
  registerLockRoutes(app, deps);
  registerRollbackRoutes(app, deps);
  registerPromotionRoutes(app, deps);
  registerReadRoutes(app, deps);
  registerEventRoutes(app, deps);
  app.get('/api/v1/openapi.json', (c) => c.json(openApiDocument));
  // Like the other services' /refresh: no input, no token, coalesced by the loops it triggers.
  app.post('/refresh', (c) => {
    deps.refresh?.();
    return c.json({ refreshing: true }, 202);
  });
  // Unknown API paths answer the JSON 404, not the UI's index page.
  app.get('/api/*', (c) => notFound(c));
  app.get('*', serveUi(options.uiDir ?? '/nonexistent-cascade-ui'));
  return app;
}
