// `POST /api/v1/locks` and `DELETE /api/v1/locks`: lock or unlock an environment or one resource in it.
import type { LockResponse } from '@cascade/common/api';
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ServiceEnv } from '@cascade/common/service';
import { planLockChange, type LockChange } from '../writes/locks.ts';
import type { ApiApp, RouteDeps } from './deps.ts';
import { access, guarded } from './route-access.ts';
import { json, writeResponses } from './route-responses.ts';
import { LockRequestSchema, UnlockRequestSchema } from './schemas/requests.ts';
import { LockResponseSchema } from './schemas/responses.ts';
import { headSnapshots, requesterOf, runWrite, statusCode, writeStatus } from './write-routes-helpers.ts';

/** `POST /locks`: its schemas and what it answers. */
export const lockRoute = createRoute({
  method: 'post',
  path: '/locks',
  operationId: 'lock',
  summary: 'Lock an environment or one resource in it',
  ...access('locks:write'),
  request: { body: { required: true, content: json(LockRequestSchema) } },
  responses: writeResponses(LockResponseSchema),
});

/** `DELETE /locks`: its schemas and what it answers. */
export const unlockRoute = createRoute({
  method: 'delete',
  path: '/locks',
  operationId: 'unlock',
  summary: 'Remove one lock reason, or all',
  ...access('locks:write'),
  request: { body: { required: true, content: json(UnlockRequestSchema) } },
  responses: writeResponses(LockResponseSchema),
});

/** Registers the lock routes. */
export function registerLockRoutes(api: ApiApp, deps: RouteDeps): void {
  /** Both routes: the change through the one write path, answered with the reasons left. */
  const change = async (c: Context<ServiceEnv>, action: LockChange['action'], request: { env: string; resource?: string | undefined; reason?: string | undefined }) => {
    const { env, resource, reason } = request;
    const plan = planLockChange({ action, env, ...(resource === undefined ? {} : { resource }), ...(reason === undefined ? {} : { reason }), requester: requesterOf(c) }, headSnapshots(deps));
    const { result, outcome } = await runWrite(deps, plan);
    const answer: LockResponse = { status: writeStatus(result), commit: result.commit, env, ...(resource === undefined ? {} : { resource }), reasons: outcome.reasons };
    return c.json(answer, statusCode(result));
  };
  api.openapi(guarded(lockRoute, deps.auth), (c) => change(c, 'lock', c.req.valid('json')));
  api.openapi(guarded(unlockRoute, deps.auth), (c) => change(c, 'unlock', c.req.valid('json')));
}
