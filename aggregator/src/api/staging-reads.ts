// `GET /api/v1/stagings` and `GET /api/v1/stagings/{name}`: answered from memory (the status's stagings, the deployer's
// last report, the indexed history), never by walking the repo.
import { HttpError } from '@cascade/common/service';
import { createRoute } from '@hono/zod-openapi';
import { stagingHistoryEntry } from '../history/staging-changes.ts';
import { stagingDetail } from '../state/staging-views.ts';
import { unknownStaging } from '../writes/stagings/staging-rules.ts';
import type { ApiApp, RouteDeps } from './deps.ts';
import { access, guarded } from './route-access.ts';
import { errorResponse, readResponses } from './route-responses.ts';
import { StagingParamsSchema } from './schemas/staging-requests.ts';
import { StagingDetailSchema, StagingListSchema } from './schemas/staging-responses.ts';

/** Most commits of a staging's history one answer shows. */
const HISTORY_LIMIT = 50;

/** `GET /stagings`. */
export const listStagingsRoute = createRoute({
  method: 'get',
  path: '/stagings',
  operationId: 'listStagings',
  summary: 'Every staging with its state, phase, links and last change, and the kinds',
  description: 'The same list the status carries in `stagings` (and the live events send on every change), plus the kinds of `stagings.yaml` with how many of their stagings count against their limit.',
  ...access('read'),
  responses: readResponses(StagingListSchema),
});

/** `GET /stagings/{name}`. */
export const getStagingRoute = createRoute({
  method: 'get',
  path: '/stagings/{name}',
  operationId: 'getStaging',
  summary: 'One staging: its settings, history and resources',
  description: "Its list entry, its settings (app and deployment values withheld like version-file config without `secrets:read`), its last commits with the action and who made them, and its resources as the deployer reports them. Secrets show as keys with who set them, never a value.",
  ...access('read'),
  request: { params: StagingParamsSchema },
  responses: { ...readResponses(StagingDetailSchema), 404: errorResponse('No such staging (`unknown-staging`)') },
});

/** 404 `unknown-staging` for a name the head does not have, with the name meant when one is close. */
export function unknownStagingError(deps: Pick<RouteDeps, 'state'>, name: string): HttpError {
  const { message, details } = unknownStaging(name, deps.state.current?.stagings.keys() ?? []);
  return new HttpError(404, 'unknown-staging', message, details);
}

/** Registers the staging read routes. */
export function registerStagingReadRoutes(api: ApiApp, deps: RouteDeps): void {
  api.openapi(guarded(listStagingsRoute, deps.auth), (c) => c.json(deps.state.stagingList(), 200));
  api.openapi(guarded(getStagingRoute, deps.auth), async (c) => {
    const { name } = c.req.valid('param');
    const found = deps.state.staging(name);
    if (found === undefined) throw unknownStagingError(deps, name);
    const page = await deps.index.page({ staging: name, limit: HISTORY_LIMIT });
    const detail = stagingDetail(found.view, found.staging, found.status, page.entries.map(stagingHistoryEntry));
    return c.json(deps.views.stagingDetail(detail, deps.auth.identify(c).role), 200);
  });
}
