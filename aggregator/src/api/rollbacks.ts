// `POST /api/v1/rollbacks`: an earlier version back into an environment, locked there so the next transition keeps it.
import type { RollbackResponse } from '@cascade/common/api';
import { HttpError, readJson } from '@cascade/common/service';
import { findRestorePoint } from '../writes/restore-point.ts';
import { planRollback, requireRollbackTarget } from '../writes/rollback.ts';
import type { AggregatorApp, RouteDeps } from './deps.ts';
import { writeErrorToHttp } from './write-errors.ts';
import { envName, objectBody, oneLine, resourceName } from './validate.ts';
import { requesterOf, runWrite, statusCode, writeStatus } from './write-routes-helpers.ts';

/** Registers the rollback route. */
export function registerRollbackRoutes(app: AggregatorApp, deps: RouteDeps): void {
  app.post('/api/v1/rollbacks', deps.auth.requirePermission('rollbacks:write'), async (c) => {
    const body = objectBody(await readJson(c), ['env', 'resource', 'to']);
    const env = envName(body) as string;
    const resource = resourceName(body) as string;
    const to = oneLine(body, 'to', { required: true, max: 128 });
    const requester = requesterOf(c);
    const head = await deps.repo.fetch().catch((error: unknown) => {
      throw writeErrorToHttp(error);
    });
    if (head === null) throw new HttpError(404, 'empty-repo', 'the repo branch has no commits yet');
    // Name a wrong environment or resource as such, before the history search could only say "version not found".
    const restore = await deps.repo
      .readFiles(head)
      .then((files) => requireRollbackTarget(files, env, resource))
      .then(() => findRestorePoint(deps.repo, head, env, resource, to))
      .catch((error: unknown) => {
        throw writeErrorToHttp(error);
      });
    const { result, outcome } = await runWrite(deps, planRollback({ env, resource, restore, requester }));
    const answer: RollbackResponse = {
      status: writeStatus(result),
      commit: result.commit,
      env,
      resource,
      version: restore.version,
      restoredFrom: restore.commit,
      lock: { reason: outcome.reason },
      message: `${resource} in ${env} is back at ${restore.version} and locked there ("${outcome.reason}"), so transitions will not replace it; unlock it to resume promotion`,
    };
    return c.json(answer, statusCode(result));
  });
}
