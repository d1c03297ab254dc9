// A stand-in deployer on a real socket for the aggregator's and the CLI's tests: the routes the aggregator calls,
// built on the same service base and token check as the deployer's, answering what the test sets.
import type { DeployerStatus, StagingActionRecord } from '@cascade/common';
import type { StagingScriptRun } from '@cascade/common/api';
import type { Role, ServiceEnv } from '@cascade/common/service';
import type { MiddlewareHandler } from 'hono';
import { createAuth, createServiceApp, generateToken, hashToken, MetricsRegistry, ROLES, serve, silentLogger } from '@cascade/common/service';

/** A running stand-in deployer; change its maps and status between requests. */
export interface DeployerDouble {
  url: string;
  /** What `GET /status` answers. */
  status: DeployerStatus;
  /** What `GET /stagings/{name}/actions` answers per staging (none: an empty list, as the deployer answers). */
  actions: Map<string, StagingActionRecord[]>;
  /** What `GET /logs/{env}/{resource}` answers per `env/resource` (a staging's are under `name/name`). */
  runs: Map<string, StagingScriptRun[]>;
  /** Every request as `METHOD path`, in order. */
  requests: string[];
  /** From now on accepts these tokens instead, as a deployer with another token list would. */
  trust(tokens: Record<Role, string>): void;
  /** Stops it; later calls do nothing. */
  close(): Promise<void>;
}

/** One token per role, named `<role>-bot`, for a harness and its deployer double to share. */
export function roleTokens(): Record<Role, string> {
  return Object.fromEntries(ROLES.map((role) => [role, generateToken()])) as Record<Role, string>;
}

/** Starts a stand-in deployer on 127.0.0.1 that accepts `tokens` as the deployer accepts `aggregator.tokens`. */
export async function startDeployerDouble(tokens: Record<Role, string>): Promise<DeployerDouble> {
  const authFor = (list: Record<Role, string>) => createAuth({ tokens: ROLES.map((role) => ({ name: `${role}-bot`, role, sha256: hashToken(list[role]) })) });
  let auth = authFor(tokens);
  const logsRead: MiddlewareHandler<ServiceEnv> = (c, next) => auth.requirePermission('logs:read')(c, next);
  const app = createServiceApp({ name: 'deployer', logger: silentLogger, metrics: new MetricsRegistry(), readiness: async () => ({ ready: true }) });
  const double: Omit<DeployerDouble, 'url' | 'close'> = {
    status: { environments: [] },
    actions: new Map(),
    runs: new Map(),
    requests: [],
    trust: (other) => {
      auth = authFor(other);
    },
  };
  app.use('*', async (c, next) => {
    double.requests.push(`${c.req.method} ${c.req.path}`);
    await next();
  });
  app.get('/status', (c) => c.json(double.status));
  app.post('/refresh', (c) => c.json({ accepted: true }, 202));
  app.get('/stagings/:name/actions', logsRead, (c) => c.json({ name: c.req.param('name'), actions: double.actions.get(c.req.param('name')) ?? [] }));
  app.get('/logs/:env/*', logsRead, (c) => {
    const env = c.req.param('env');
    const resource = decodeURIComponent(c.req.path.slice(`/logs/${env}/`.length));
    return c.json({ env, resource, runs: double.runs.get(`${env}/${resource}`) ?? [] });
  });
  const server = await serve(app, '127.0.0.1:0');
  let closing: Promise<void> | undefined;
  return Object.assign(double, { url: server.url, close: () => (closing ??= server.close()) });
}
