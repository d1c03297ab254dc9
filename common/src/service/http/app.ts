// The base every Cascade service app starts from: health, readiness, metrics, request logging, one error path.
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from '../logger/logger.ts';
import type { MetricsRegistry } from '../metrics/registry.ts';
import { METRICS_CONTENT_TYPE } from '../metrics/registry.ts';
import { DEFAULT_MAX_BODY_BYTES, limitBody } from './body.ts';
import type { ServiceEnv } from './context.ts';
import { createErrorHandler, notFound, type ErrorMapper } from './on-error.ts';

/** Whether a service can take traffic; when not, the reason is shown by `/readyz`. */
export type ReadyState = { ready: true } | { ready: false; reason: string };

/** Options of `createServiceApp`. */
export interface ServiceAppOptions {
  /** Service name, e.g. `deployer`; bound to log lines and used as the `service` metric label. */
  name: string;
  logger: Logger;
  metrics: MetricsRegistry;
  /** Called by `GET /readyz`, e.g. "has the repo been fetched once?". */
  readiness: () => Promise<ReadyState>;
  /** Request body limit; default 1 MiB. */
  maxBodyBytes?: number;
  /** The service's own failures (e.g. a refused write) as answers, so its handlers only throw. */
  mapError?: ErrorMapper;
}

// Probes and scrapes arrive every few seconds, and the services ask each other for their status and tell each other
// of changes as often: logging them at info would drown the useful lines. A peer's call that fails still is.
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
const PEER_CALLS = new Set(['GET /status', 'POST /refresh']);
const INCOMING_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Whether a request's line is logged at debug rather than info. */
function routine(method: string, path: string, status: number): boolean {
  return QUIET_PATHS.has(path) || (status < 400 && PEER_CALLS.has(`${method} ${path}`));
}

/** Creates a Hono app with `/healthz`, `/readyz`, `/metrics`, request logging and metrics, a body limit and the JSON error path. */
export function createServiceApp(options: ServiceAppOptions): Hono<ServiceEnv> {
  const { name, metrics, readiness } = options;
  if (!name) throw new TypeError('createServiceApp: name is required');
  const logger = options.logger.child({ service: name });
  const requests = metrics.counter({
    name: 'cascade_http_requests_total',
    help: 'HTTP requests served, by service, method, route and status.',
    labelNames: ['service', 'method', 'route', 'status'],
  });
  const durations = metrics.histogram({
    name: 'cascade_http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by service, method and route.',
    labelNames: ['service', 'method', 'route'],
  });

  const app = new Hono<ServiceEnv>();
  app.onError(createErrorHandler(logger, options.mapError));
  app.notFound(notFound);

  app.use('*', async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && INCOMING_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    c.set('requestId', requestId);
    c.set('logger', logger.child({ requestId }));
    const started = performance.now();
    await next();
    c.header('x-request-id', requestId);
    const seconds = (performance.now() - started) / 1000;
    // The route pattern, not the path, keeps metric cardinality bounded.
    const route = c.res.status === 404 && routePath(c, -1) === '*' ? 'unmatched' : routePath(c, -1);
    requests.inc({ service: name, method: c.req.method, route, status: c.res.status });
    durations.observe({ service: name, method: c.req.method, route }, seconds);
    // Only method, path (never the query string), status, duration and the token's name: no headers, no bodies.
    const line = {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round(seconds * 1000),
      identity: c.get('identity')?.name,
    };
    if (routine(c.req.method, c.req.path, c.res.status)) c.get('logger').debug('request', line);
    else c.get('logger').info('request', line);
  });
  app.use('*', limitBody(options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES));

  app.get('/healthz', (c) => c.json({ status: 'alive' }));
  app.get('/readyz', async (c) => {
    const state = await readiness().catch((error: unknown): ReadyState => {
      c.get('logger').error('readiness check failed', { error });
      return { ready: false, reason: 'readiness check failed' };
    });
    return state.ready ? c.json({ ready: true }) : c.json({ ready: false, reason: state.reason }, 503);
  });
  app.get('/metrics', async (c) => c.body(await metrics.render(), 200, { 'content-type': METRICS_CONTENT_TYPE }));
  return app;
}
