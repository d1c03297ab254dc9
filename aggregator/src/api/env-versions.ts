// `GET /api/v1/versions`: the versions one environment ran for one resource, for a rollback picker that offers
// exactly what a rollback can restore. Read from the environment's version file history (a bounded walk, like the
// rollback's own search), not from the status, which knows where versions are now, not where they were.
import type { EnvVersions } from '@cascade/common/api';
import { HttpError } from '@cascade/common/service';
import { createRoute } from '@hono/zod-openapi';
import { versionsRan } from '../writes/restore-point.ts';
import { requireRollbackTarget } from '../writes/rollback.ts';
import type { ApiApp, RouteDeps } from './deps.ts';
import { access, guarded } from './route-access.ts';
import { readResponses } from './route-responses.ts';
import { EnvVersionsQuerySchema } from './schemas/requests.ts';
import { EnvVersionsSchema } from './schemas/responses.ts';
import { headSnapshots } from './write-routes-helpers.ts';

/** The route's definition: its query and answer. */
export const envVersionsRoute = createRoute({
  method: 'get',
  path: '/versions',
  operationId: 'getEnvironmentVersions',
  summary: 'The versions an environment ran for a resource, newest first, with when and who',
  description: 'From the last 200 changes of the environment\'s version file: exactly the versions a rollback by version can restore. `404 unknown-environment` / `unknown-resource` name what does not exist.',
  ...access('read'),
  request: { query: EnvVersionsQuerySchema },
  responses: readResponses(EnvVersionsSchema),
});

/** Registers the route. */
export function registerEnvVersionsRoute(api: ApiApp, deps: RouteDeps): void {
  api.openapi(guarded(envVersionsRoute, deps.auth), async (c) => {
    const { env, resource } = c.req.valid('query');
    const head = await deps.repo.fetch();
    if (head === null) throw new HttpError(404, 'empty-repo', 'the repo branch has no commits yet');
    const defined = requireRollbackTarget(headSnapshots(deps)(await deps.repo.readFiles(head)), env, resource);
    const ran = await versionsRan(deps.repo, head, env, resource);
    const current = defined.version?.version;
    const answer: EnvVersions = {
      env,
      resource,
      ...(current === undefined ? {} : { current }),
      versions: ran.map(({ version, commit, time, author, type }) => ({ version, commit, time, author, type })),
    };
    return c.json(answer, 200);
  });
}
