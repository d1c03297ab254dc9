// `GET /api/v1/sign-in`: how people may sign in besides pasting a token, so the dashboard can offer it before anyone has.
import type { SignInOptions } from '@cascade/common/api';
import { createRoute } from '@hono/zod-openapi';
import type { ApiApp, RouteDeps } from './deps.ts';
import { access } from './route-access.ts';
import { json } from './route-responses.ts';
import { SignInOptionsSchema } from './schemas/responses.ts';

/** `GET /sign-in`: its answer. */
export const signInRoute = createRoute({
  method: 'get',
  path: '/sign-in',
  operationId: 'getSignInOptions',
  summary: 'Which ways in besides a bearer token this aggregator offers',
  description: 'Public, so a dashboard that may not show anything yet can offer "Sign in". With `oidc: true`, `GET /auth/login?return=#/…` starts an OpenID Connect sign-in that ends in a session cookie; see docs/authentication.md.',
  ...access('public'),
  responses: { 200: { description: 'OK', content: json(SignInOptionsSchema) } },
});

/** Registers the sign-in options route. */
export function registerSignInRoute(api: ApiApp, deps: RouteDeps): void {
  const answer: SignInOptions = deps.signIn ?? { oidc: false };
  api.openapi(signInRoute, (c) => c.json(answer, 200));
}
