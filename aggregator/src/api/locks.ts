// `POST /api/v1/locks` and `DELETE /api/v1/locks`: lock or unlock an environment or one resource in it.
import type { LockResponse } from '@cascade/common/api';
import { readJson } from '@cascade/common/service';
import { planLockChange } from '../writes/locks.ts';
import type { AggregatorApp, RouteDeps } from './deps.ts';
import { envName, MAX_REASON_LENGTH, objectBody, oneLine, resourceName } from './validate.ts';
import { requesterOf, runWrite, statusCode, writeStatus } from './write-routes-helpers.ts';

/** Registers the lock routes. */
export function registerLockRoutes(app: AggregatorApp, deps: RouteDeps): void {
  for (const action of ['lock', 'unlock'] as const) {
    const handler = app[action === 'lock' ? 'post' : 'delete'].bind(app);
    handler('/api/v1/locks', deps.auth.requirePermission('locks:write'), async (c) => {
      const body = objectBody(await readJson(c), ['env', 'resource', 'reason']);
      const env = envName(body) as string;
      const resource = resourceName(body, 'resource', false);
      const reason = action === 'lock' ? oneLine(body, 'reason', { required: true, max: MAX_REASON_LENGTH }) : oneLine(body, 'reason', { max: MAX_REASON_LENGTH });
      const plan = planLockChange({ action, env, ...(resource === undefined ? {} : { resource }), ...(reason === undefined ? {} : { reason }), requester: requesterOf(c) });
      const { result, outcome } = await runWrite(deps, plan);
      const answer: LockResponse = { status: writeStatus(result), commit: result.commit, env, ...(resource === undefined ? {} : { resource }), reasons: outcome.reasons };
      return c.json(answer, statusCode(result));
    });
  }
}
