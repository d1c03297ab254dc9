// `POST /api/v1/rollbacks`: an earlier version back into an environment, locked there so the next transition keeps it.
import type { RollbackResponse } from '@cascade/common/api';
import { HttpError } from '@cascade/common/service';
import { createRoute } from '@hono/zod-openapi';
import { WriteRefusedError } from '../writes/errors.ts';
import { findRestorePoint } from '../writes/restore-point.ts';
import { joinWords, planRollback, requireRollbackTarget, type RestorePoint } from '../writes/rollback.ts';
import type { ApiApp, RouteDeps } from './deps.ts';
import { access, guarded } from './route-access.ts';
import { json, writeResponses } from './route-responses.ts';
import { RollbackRequestSchema } from './schemas/requests.ts';
import { RollbackResponseSchema } from './schemas/responses.ts';
import { headSnapshots, requesterOf, runWrite, statusCode, writeStatus } from './write-routes-helpers.ts';

/** The route's definition: its schemas and what it answers. */
export const rollbackRoute = createRoute({
  method: 'post',
  path: '/rollbacks',
  operationId: 'rollback',
  summary: 'Put an earlier version back and lock the resource there',
  description: 'Sticky: the resource stays locked in the environment until unlocked, so the next transition does not undo the rollback.',
  ...access('rollbacks:write'),
  request: { body: { required: true, content: json(RollbackRequestSchema) } },
  responses: writeResponses(RollbackResponseSchema),
});

/** Registers the rollback route. */
export function registerRollbackRoutes(api: ApiApp, deps: RouteDeps): void {
  api.openapi(guarded(rollbackRoute, deps.auth), async (c) => {
    const { env, resource, to, alsoIn } = c.req.valid('json');
    const requester = requesterOf(c);
    const head = await deps.repo.fetch();
    if (head === null) throw new HttpError(404, 'empty-repo', 'the repo branch has no commits yet');
    // Name a wrong environment or resource as such, before the history search could only say "version not found".
    const heads = headSnapshots(deps);
    const headSnapshot = heads(await deps.repo.readFiles(head));
    const others = [...new Set(alsoIn ?? [])].filter((other) => other !== env);
    for (const name of [env, ...others]) requireRollbackTarget(headSnapshot, name, resource);
    const restore = await findRestorePoint(deps.repo, head, env, resource, to);
    const also = [];
    for (const other of others) also.push({ env: other, restore: await restoreAlso(deps, head, other, resource, restore) });
    const { result, outcome } = await runWrite(deps, planRollback({ env, resource, restore, requester, also }, heads));
    const envs = [env, ...others];
    const where = joinWords(envs);
    const answer: RollbackResponse = {
      status: writeStatus(result),
      commit: result.commit,
      env,
      resource,
      version: restore.version,
      restoredFrom: restore.commit,
      lock: { reason: outcome.reason },
      message: `${resource} in ${where} is back at ${restore.version} and locked there ("${outcome.reason}"), so transitions will not replace it; unlock it to resume promotion`,
      ...(others.length > 0 ? { environments: [{ env, restoredFrom: restore.commit }, ...also.map((a) => ({ env: a.env, restoredFrom: a.restore.commit }))] } : {}),
    };
    return c.json(answer, statusCode(result));
  });
}

/**
 * The version file to put on a further environment: its own file of that version when it had it, otherwise the
 * first environment's (a transition copies version files byte for byte, so that is the file it would have got).
 */
async function restoreAlso(deps: RouteDeps, head: string, env: string, resource: string, first: RestorePoint): Promise<RestorePoint> {
  try {
    return await findRestorePoint(deps.repo, head, env, resource, first.version);
  } catch (error) {
    if (error instanceof WriteRefusedError && error.code === 'version-not-found') return first;
    throw error;
  }
}
