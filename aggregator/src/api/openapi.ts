// The OpenAPI 3.1 description of `/api/v1`, generated from the routes' definitions and their zod schemas (the same
// schemas that check requests), served at `/api/v1/openapi.json`; openapi-coverage.test.ts checks it names every route.
import { API_BASE } from '@cascade/common/api';
import type { ServiceEnv } from '@cascade/common/service';
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { ApiApp } from './deps.ts';
import { eventsRoute } from './events.ts';
import { lockRoute, unlockRoute } from './locks.ts';
import { promoteRoute } from './promotions.ts';
import { historyRoute, statusRoute, whoamiRoute } from './reads.ts';
import { envVersionsRoute } from './env-versions.ts';
import { rollbackRoute } from './rollbacks.ts';
import { signInRoute } from './sign-in.ts';
import { access } from './route-access.ts';
import { json } from './route-responses.ts';
import { OpenApiDocumentSchema, StatusEventSchema } from './schemas/responses.ts';
import { stagingActionsRoute } from './staging-actions.ts';
import { getStagingRoute, listStagingsRoute } from './staging-reads.ts';
import { STAGING_WRITE_ROUTES } from './staging-writes.ts';
import { pushVersionRoute } from './versions.ts';

/** What the document says about itself: title, description and the base path every route is below. */
const DOCUMENT_INFO = {
  openapi: '3.1.0',
  info: { title: 'Cascade aggregator', version: '1', description: 'Version pushes, locks, rollbacks, promotions, stagings and their action logs, status, history and live events of a Cascade resource repo.' },
  servers: [{ url: API_BASE }],
};

/** `GET /openapi.json`: this document. */
export const openApiRoute = createRoute({
  method: 'get',
  path: '/openapi.json',
  operationId: 'getOpenApi',
  summary: 'This document',
  ...access('public'),
  responses: { 200: { description: 'OK', content: json(OpenApiDocumentSchema) } },
});

/** Every route of `/api/v1`, in the order the reference lists them. */
export const API_ROUTES = [pushVersionRoute, lockRoute, unlockRoute, rollbackRoute, promoteRoute, ...STAGING_WRITE_ROUTES, stagingActionsRoute, statusRoute, whoamiRoute, signInRoute, historyRoute, envVersionsRoute, eventsRoute, listStagingsRoute, getStagingRoute, openApiRoute];

/** The OpenAPI document type, as the generator makes it. */
export type OpenApiDocument = ReturnType<ApiApp['getOpenAPI31Document']>;

/** Registers what routes refer to that no route's schema reaches: the bearer scheme, and the event stream's events. */
export function registerComponents(api: ApiApp): void {
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A token from aggregator.tokens; its name becomes the commit author. The dashboard may instead send an OIDC session cookie or come through a trusted auth proxy (docs/authentication.md); writes with a cookie must then come from the dashboard\'s own origin with `X-Cascade-CSRF`.',
  });
  api.openAPIRegistry.register('StatusEvent', StatusEventSchema);
}

/** Registers `GET /openapi.json`, answering with the document of the routes registered on `api`. */
export function registerOpenApiRoute(api: ApiApp): void {
  let document: OpenApiDocument | undefined;
  // Generated on first use: every route is registered by then, and the document never changes afterwards.
  api.openapi(openApiRoute, (c) => c.json((document ??= api.getOpenAPI31Document(DOCUMENT_INFO)), 200));
}

/** The document of API_ROUTES without an app or its dependencies: what `npm run docs:api` renders. */
export function openApiDocument(): OpenApiDocument {
  const api: ApiApp = new OpenAPIHono<ServiceEnv>();
  for (const route of API_ROUTES) api.openAPIRegistry.registerPath(route);
  registerComponents(api);
  return api.getOpenAPI31Document(DOCUMENT_INFO);
}
