// `GET /api/v1/status`, `/history` and `/whoami`: answered from memory, never by walking the repo's history.
import type { WhoamiResponse } from '@cascade/common/api';
import { GitCommandError } from '@cascade/common/git';
import type { Identity, Permission, Role } from '@cascade/common/service';
import { ROLE_PERMISSIONS } from '@cascade/common/service';
import { createRoute } from '@hono/zod-openapi';
import type { ApiApp, RouteDeps } from './deps.ts';
import { invalid } from './request-errors.ts';
import { access, guarded } from './route-access.ts';
import { errorResponse, json, readResponses } from './route-responses.ts';
import { HistoryQuerySchema } from './schemas/requests.ts';
import { AggregatorStatusSchema, HistoryPageSchema, WhoamiResponseSchema } from './schemas/responses.ts';

/** `GET /status`: its answer. */
export const statusRoute = createRoute({
  method: 'get',
  path: '/status',
  operationId: 'getStatus',
  summary: 'Repo analysis merged with the deployer and transitioner statuses',
  description: "Version-file config values the caller's role may not see (without `secrets:read`) are withheld: see ResourceInEnv. Links from control scripts are only http(s) URLs.",
  ...access('read'),
  responses: readResponses(AggregatorStatusSchema),
});

/** `GET /whoami`: its answer. */
export const whoamiRoute = createRoute({
  method: 'get',
  path: '/whoami',
  operationId: 'whoami',
  summary: "The caller's identity: token or person name, role and the role's permissions",
  description: 'Lets a client (the dashboard) offer only what the role may do. Without a token and with anonymous read on, the anonymous viewer. A person signed in through OIDC also gets the session\'s CSRF token, which every write must send as `X-Cascade-CSRF`.',
  ...access('read'),
  responses: { 200: { description: 'OK', content: json(WhoamiResponseSchema) }, 401: errorResponse('No valid bearer token (and anonymous read is off)') },
});

/** `GET /history`: its query and answer. */
export const historyRoute = createRoute({
  method: 'get',
  path: '/history',
  operationId: 'getHistory',
  summary: 'Commits of the branch, newest first, paged',
  ...access('read'),
  request: { query: HistoryQuerySchema },
  responses: readResponses(HistoryPageSchema),
});

/** Registers the status, history and whoami routes. */
export function registerReadRoutes(api: ApiApp, deps: RouteDeps): void {
  // The hub holds every value; what the caller may see is decided here, per request.
  api.openapi(guarded(statusRoute, deps.auth), (c) => c.json(deps.views.status(deps.state.hub.state, deps.auth.identify(c).role), 200));
  // The dashboard offers only what the role may do; the answer is about the caller alone, so `read` is enough.
  api.openapi(guarded(whoamiRoute, deps.auth), (c) => {
    return c.json(whoamiAnswer(deps.auth.identify(c), deps.peerToken !== undefined), 200);
  });
  api.openapi(guarded(historyRoute, deps.auth), async (c) => {
    const query = c.req.valid('query');
    try {
      const page = await deps.index.page(query);
      return c.json({ ...page, entries: deps.state.withMoveOrder(page.entries) }, 200);
    } catch (error) {
      if (error instanceof GitCommandError && query.cursor !== undefined) throw invalid('cursor', 'names no commit of this branch');
      throw error;
    }
  });
}

/** The whoami answer: the identity, its role's permissions, and for a person their email and (OIDC) the session's CSRF token. */
export function whoamiAnswer(identity: Identity, passesPeopleOn = false): WhoamiResponse & { role: Role; permissions: Permission[] } {
  const answer: WhoamiResponse & { role: Role; permissions: Permission[] } = { name: identity.name, role: identity.role, anonymous: identity.anonymous, permissions: [...ROLE_PERMISSIONS[identity.role]] };
  const person = identity.person;
  if (person) {
    answer.person = { email: person.email, via: person.via, passedOn: passesPeopleOn, ...(person.expiresAt === undefined ? {} : { expiresAt: new Date(person.expiresAt).toISOString() }) };
    // Readable by our own pages only: another origin cannot read this answer (no CORS), so it cannot forge the header.
    if (person.csrfToken !== undefined) answer.csrfToken = person.csrfToken;
  }
  return answer;
}
