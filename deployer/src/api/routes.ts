// The deployer's HTTP API: status for the transitioner and aggregator, refresh on demand, control-script logs for admins.
import { checkEnvName, checkResourceName } from '@cascade/common';
import type { Logger, MetricsRegistry, ServiceEnv, TokenEntry } from '@cascade/common/service';
import { HttpError, createAuth, createServiceApp } from '@cascade/common/service';
import type { Hono } from 'hono';
import type { ScriptLogStore } from '../scripts/log-store.ts';
import type { DeployerCore } from '../service/deployer.ts';

/** What the routes read and trigger. */
export interface DeployerApiOptions {
  core: Pick<DeployerCore, 'status' | 'ready'>;
  /** Runs a pass now and resolves with the status after it. */
  refresh: () => Promise<unknown>;
  logs: ScriptLogStore;
  logger: Logger;
  metrics: MetricsRegistry;
  tokens: readonly TokenEntry[];
}

/**
 * Creates the app: `GET /status` and `POST /refresh` are open, `GET /logs/:env/<resource>` needs `logs:read` (admins).
 * `/refresh` takes no input and only asks the loop for a pass, which coalesces any number of requests into one more
 * pass, so a git host's webhook or a peer can call it without a token and a flood costs at most back-to-back passes.
 */
export function createDeployerApi(options: DeployerApiOptions): Hono<ServiceEnv> {
  const app = createServiceApp({
    name: 'deployer',
    logger: options.logger,
    metrics: options.metrics,
    readiness: async () => (options.core.ready() ? { ready: true } : { ready: false, reason: 'no pass over the repo has completed yet' }),
  });
  const auth = createAuth({ tokens: options.tokens });

  app.get('/status', (c) => c.json(options.core.status()));

  app.post('/refresh', async (c) => {
    await options.refresh();
    return c.json(options.core.status());
  });

  // Control-script output may echo secret config, so only roles with logs:read (admins) see it.
  app.get('/logs/:env/*', auth.requirePermission('logs:read'), (c) => {
    const env = c.req.param('env');
    const prefix = `/logs/${env}/`;
    const resource = decodeURIComponent(c.req.path.slice(c.req.path.indexOf(prefix) + prefix.length));
    if (checkEnvName(env) !== undefined) throw new HttpError(400, 'invalid-name', `"${env}" is not an environment name`);
    if (checkResourceName(resource) !== undefined) throw new HttpError(400, 'invalid-name', `"${resource}" is not a resource name`);
    return c.json({ env, resource, runs: options.logs.get(env, resource) });
  });
  return app;
}
