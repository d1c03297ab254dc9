// The deployer's HTTP API: status for the transitioner and aggregator, refresh on demand, control-script logs and
// staging action records for admins.
import type { StagingActionRecord } from '@cascade/common';
import { checkEnvName, checkResourceName, checkStagingName } from '@cascade/common';
import type { Logger, LoopRunResult, MetricsRegistry, RefreshChange, ServiceEnv, TokenEntry } from '@cascade/common/service';
import { HttpError, addRefreshRoute, createAuth, createServiceApp, jsonPiecesAnswer } from '@cascade/common/service';
import type { Hono } from 'hono';
import type { ScriptLogStore } from '../scripts/log-store.ts';
import type { DeployerCore } from '../service/deployer.ts';
import { RecentStatuses, deployerStatusEntity } from './status-json.ts';

/** What the routes read and trigger. */
export interface DeployerApiOptions {
  core: Pick<DeployerCore, 'status' | 'ready'>;
  /** Asks the loop for a pass (`changed: 'status'`: only a peer's status changed, not the repo); resolves once the pass that answers the request has run. */
  refresh: (changed?: RefreshChange) => Promise<LoopRunResult>;
  logs: ScriptLogStore;
  logger: Logger;
  metrics: MetricsRegistry;
  tokens: readonly TokenEntry[];
  /** The last actions taken for a staging (DeployerCore.actions); without it every staging has none. */
  stagingActions?: (staging: string) => readonly StagingActionRecord[] | undefined;
}

/**
 * Creates the app: `GET /status` and `POST /refresh` are open, `GET /logs/:env/<resource>` and
 * `GET /stagings/:name/actions` need `logs:read` (admins).
 * `/refresh` answers `202` at once, or with `?wait=true` the status after the pass (see addRefreshRoute).
 */
export function createDeployerApi(options: DeployerApiOptions): Hono<ServiceEnv> {
  const app = createServiceApp({
    name: 'deployer',
    logger: options.logger,
    metrics: options.metrics,
    readiness: async () => (options.core.ready() ? { ready: true } : { ready: false, reason: 'no pass over the repo has completed yet' }),
  });
  const auth = createAuth({ tokens: options.tokens });

  // Peers poll this; an unchanged status answers 304 so they neither receive nor parse it again, and a peer that
  // names the status it holds (`?since=<etag>`) is sent only what changed since, when that one is still kept.
  const recent = new RecentStatuses();
  app.get('/status', (c) => {
    const status = options.core.status();
    const { etag, pieces } = deployerStatusEntity(status);
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, { etag });
    // What is sent is what the peer holds from now on.
    const since = c.req.query('since');
    const delta = since === undefined ? undefined : recent.deltaTo(status, since);
    recent.remember(etag, status);
    if (delta !== undefined) return c.json({ delta }, 200, { etag });
    return jsonPiecesAnswer(c, pieces(), { etag });
  });

  addRefreshRoute(app, { trigger: options.refresh, answer: options.core.status, answerJson: () => deployerStatusEntity(options.core.status()).pieces() });

  // Control-script output may echo secret config, so only roles with logs:read (admins) see it.
  app.get('/logs/:env/*', auth.requirePermission('logs:read'), (c) => {
    const env = c.req.param('env');
    const prefix = `/logs/${env}/`;
    const resource = decodeSegment(c.req.path.slice(c.req.path.indexOf(prefix) + prefix.length));
    if (checkEnvName(env) !== undefined) throw new HttpError(400, 'invalid-name', `"${env}" is not an environment name`);
    if (checkResourceName(resource) !== undefined) throw new HttpError(400, 'invalid-name', `"${resource}" is not a resource name`);
    return c.json({ env, resource, runs: options.logs.get(env, resource) });
  });

  // A staging's steps carry the reasons its target gave, which may quote its config: admins only, like script logs.
  app.get('/stagings/:name/actions', auth.requirePermission('logs:read'), (c) => {
    const name = c.req.param('name');
    if (checkStagingName(name) !== undefined) throw new HttpError(400, 'invalid-name', `"${name}" is not a staging name`);
    return c.json({ name, actions: options.stagingActions?.(name) ?? [] });
  });
  return app;
}

/** A percent-encoded path segment decoded; a malformed escape is the caller's mistake (400 naming it), never a 500. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'invalid-path', `the resource path "${segment}" holds a malformed percent-escape (% must be followed by two hex digits of UTF-8)`, { segment });
  }
}
