// The transitioner's HTTP API on top of the service base: status, refresh, run a transition now.
import { isFenceLost } from '@cascade/common/election';
import type { Hono, MiddlewareHandler } from 'hono';
import { checkEnvName, type TransitionerStatus, type TransitionResult } from '@cascade/common';
import { addRefreshRoute, createAuth, HttpError, type Identity, type LoopRunResult, type RefreshChange, type ServiceEnv, type TokenEntry } from '@cascade/common/service';

/** What the routes ask of the transitioner. */
export interface TransitionerControl {
  status(): TransitionerStatus;
  /** Asks for a round as soon as possible; resolves once the round that answers the request has run. */
  refresh(changed?: RefreshChange): Promise<LoopRunResult>;
  /** Runs one transition now; undefined when it does not exist. */
  runNow(name: string, identity: Identity | undefined): Promise<TransitionResult | undefined>;
}

/**
 * Adds the routes. `POST /refresh` is open and answers `202` at once, or with `?wait=true` the status after the round
 * (see addRefreshRoute), so the deployer, the aggregator and a git host's webhook call it without a token. Running a
 * transition needs `promotions:write` (operator) when tokens are configured; without tokens the service relies on
 * listening on loopback only. `GET /status` is a read of what `/metrics` already reveals.
 */
export function addTransitionerRoutes(app: Hono<ServiceEnv>, control: TransitionerControl, tokens: readonly TokenEntry[]): void {
  const auth = tokens.length > 0 ? createAuth({ tokens }) : undefined;
  const open: MiddlewareHandler<ServiceEnv> = async (_c, next) => next();
  const runGuard = auth ? auth.requirePermission('promotions:write') : open;

  app.get('/status', (c) => c.json(control.status()));

  addRefreshRoute(app, { trigger: (changed) => control.refresh(changed), answer: () => control.status() });

  app.post('/transitions/:name/run', runGuard, async (c) => {
    const name = c.req.param('name') ?? '';
    // Transition names follow the environment rule (see parseTransitionsFile).
    if (checkEnvName(name) !== undefined) throw new HttpError(400, 'invalid-request', `"${name}" is not a transition name`);
    const result = await control.runNow(name, c.get('identity')).catch((error: unknown) => {
      // A standby replica (or one that just lost its Lease) runs nothing; the caller asks the active one.
      if (isFenceLost(error)) throw new HttpError(503, 'not-active', 'this transitioner replica does not hold the transitioner Lease; another replica is active');
      throw error;
    });
    if (!result) throw new HttpError(404, 'unknown-transition', `transitions.yaml has no transition "${name}"`);
    return c.json(result);
  });
}
