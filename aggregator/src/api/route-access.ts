// Who may call a route, written once in its definition: the OpenAPI document shows the permission, and `guarded`
// builds the auth check from the same value, so the two cannot disagree.
import type { Auth, Permission, ServiceEnv } from '@cascade/common/service';
import { encodeOnBehalf, getIdentity, HttpError, readJson } from '@cascade/common/service';
import type { RouteConfig } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';

/** A route's permission, or `public` for none. */
export type Access = Permission | 'public';

/** The parts of a route definition that say who may call it: `x-cascade-permission` and the bearer scheme. */
export function access(permission: Access) {
  // Read routes also answer without a token when anonymous reading is on.
  const security: Array<Record<string, string[]>> = permission === 'public' ? [] : permission === 'read' ? [{ bearer: [] }, {}] : [{ bearer: [] }];
  return { 'x-cascade-permission': permission, security };
}

/** The body must be JSON (415 `unsupported-media-type`, 400 `invalid-json` otherwise) before its schema sees it. */
const jsonBody: MiddlewareHandler<ServiceEnv> = async (c, next) => {
  // Reading caches the body, so the schema's validator reads the same text without another trip to the socket.
  await readJson(c);
  await next();
};

/** The route with its checks in front: the permission first, then the body's media type; then the schemas. */
export function guarded<R extends RouteConfig & { 'x-cascade-permission': Access }>(route: R, auth: Auth): R & { middleware: Array<MiddlewareHandler<ServiceEnv>> } {
  const permission = route['x-cascade-permission'];
  const middleware: Array<MiddlewareHandler<ServiceEnv>> = permission === 'public' ? [] : [auth.requirePermission(permission)];
  if (route.request?.body) middleware.push(jsonBody);
  return { ...route, middleware };
}

/**
 * What a peer that checks the caller itself (the transitioner, the deployer) is sent: the caller's own
 * `Authorization` header, or for a person signed in through OIDC or a proxy the aggregator's delegating token
 * (`aggregator.auth.peerTokenFile`) with the person named beside it. Without that token a person is refused here.
 */
export function credentialsToForward(c: Context<ServiceEnv>, peer: 'transitioner' | 'deployer', what: string, peerToken: string | undefined): { authorization?: string; onBehalfOf?: string } {
  const identity = getIdentity(c);
  if (identity?.person) {
    if (peerToken === undefined) {
      throw new HttpError(403, 'token-required', `${what} is checked again by the ${peer}; to pass a signed-in person on, give the aggregator a token of its own (aggregator.auth.peerTokenFile, listed with delegate: true), or use a bearer token`, { peer });
    }
    return { authorization: `Bearer ${peerToken}`, onBehalfOf: encodeOnBehalf(identity) };
  }
  const authorization = c.req.header('authorization');
  return authorization === undefined ? {} : { authorization };
}
