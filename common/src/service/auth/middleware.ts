// Authentication and role checks for service routes: a bearer token, or (aggregator) a person signed in through a
// session cookie or vouched for by a trusted proxy; the identity becomes the commit author.
import type { Context, MiddlewareHandler } from 'hono';
import type { ServiceEnv } from '../http/context.ts';
import { HttpError } from '../http/http-error.ts';
import { CSRF_HEADER, decideCsrf } from './csrf.ts';
import { decodeOnBehalf, ON_BEHALF_HEADER } from './delegation.ts';
import type { Permission, Role } from './roles.ts';
import { PERMISSIONS, ROLES, roleAllows } from './roles.ts';
import type { Identity, TokenEntry } from './tokens.ts';
import { TokenVerifier } from './tokens.ts';

/** A way in besides a bearer token, tried when a request sends no `Authorization` header. */
export interface PersonAuthenticator {
  /**
   * The person the request carries this way, or undefined when it carries none. Throws an HttpError (401) when a
   * credential is there but not valid (a tampered or expired session), so it is refused rather than read as anonymous.
   */
  identify(c: Context<ServiceEnv>): Promise<Identity | undefined>;
}

/** Options of `createAuth`, usually straight from the service's config section. */
export interface AuthOptions {
  tokens: readonly TokenEntry[];
  /** Admit requests without a token as an anonymous viewer (read only); a wrong token is still refused. */
  anonymousRead?: boolean;
  /** Ways in for people (the aggregator's OIDC sessions and trusted proxies), tried in order. */
  people?: readonly PersonAuthenticator[];
  /** Origins besides the request's own host that writes by people may come from (the OIDC redirect URL's). */
  trustedOrigins?: readonly string[];
}

/** Route guards bound to one token set. */
export interface Auth {
  /** Authenticates the request and requires `permission`: 401 without a valid token, 403 when the role lacks it. */
  requirePermission(permission: Permission): MiddlewareHandler<ServiceEnv>;
  /** Authenticates the request and requires one of `roles` (admin always passes). Prefer `requirePermission`. */
  requireRole(...roles: Role[]): MiddlewareHandler<ServiceEnv>;
  /** Authenticates the request, once: a bearer token, else a person, else anonymous (when allowed); throws 401 like the guards. */
  authenticate(c: Context<ServiceEnv>): Promise<Identity>;
  /**
   * The identity a guard established. Without a guard it can only read a bearer token, so with people configured it
   * refuses to guess (a route that needs the caller must be guarded).
   */
  identify(c: Context<ServiceEnv>): Identity;
}

const ANONYMOUS: Identity = Object.freeze({ name: 'anonymous', role: 'viewer', anonymous: true });

/** Creates the guards for a token set; checks the options once, here, not per request. */
export function createAuth(options: AuthOptions): Auth {
  const verifier = new TokenVerifier(options.tokens);
  const anonymousRead = options.anonymousRead ?? false;
  const people = options.people ?? [];
  const trustedOrigins = options.trustedOrigins ?? [];

  /** The identity of a bearer token; undefined without an Authorization header. */
  const bearer = (c: Context<ServiceEnv>): Identity | undefined => {
    const header = c.req.header('authorization');
    if (header === undefined || header === '') return undefined;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new HttpError(401, 'unauthorized', 'the Authorization header must be "Bearer <token>"');
    const identity = verifier.verify(match[1]!);
    // Deliberately the same message for every unknown token: never echo any part of it.
    if (!identity) throw new HttpError(401, 'unauthorized', 'the bearer token is not valid');
    const onBehalf = c.req.header(ON_BEHALF_HEADER);
    if (onBehalf === undefined) return identity;
    // A person the aggregator signed in, passed on with the aggregator's own token: act as them, within its role.
    if (identity.delegates !== true) throw new HttpError(403, 'delegation-refused', `token ${identity.name} may not act on behalf of people (it has no delegate: true)`);
    const person = decodeOnBehalf(onBehalf, identity);
    if ('error' in person) throw new HttpError(400, 'invalid-request', person.error);
    return person;
  };

  const anonymous = (): Identity => {
    if (!anonymousRead) throw new HttpError(401, 'unauthorized', people.length > 0 ? 'sign in or send a bearer token' : 'a bearer token is required');
    return ANONYMOUS;
  };

  const authenticate = async (c: Context<ServiceEnv>): Promise<Identity> => {
    const known = c.get('identity');
    if (known) return known;
    // A bearer token wins over cookies and proxy headers: CI behind the same ingress stays itself.
    let identity = bearer(c);
    for (const way of people) {
      if (identity) break;
      identity = await way.identify(c);
    }
    identity ??= anonymous();
    c.set('identity', identity);
    return identity;
  };

  const identify = (c: Context<ServiceEnv>): Identity => {
    const known = c.get('identity');
    if (known) return known;
    if (people.length > 0) throw new TypeError('identify: the route is not guarded, so its caller was never authenticated');
    const identity = bearer(c) ?? anonymous();
    c.set('identity', identity);
    return identity;
  };

  /** Refuses a write a browser sent by itself from elsewhere: cookies ride along on cross-site requests, tokens do not. */
  const checkCsrf = (c: Context<ServiceEnv>, identity: Identity) => {
    const decision = decideCsrf({
      method: c.req.method,
      // A person passed on by the aggregator came with its bearer token, which no browser sends by itself.
      ambient: identity.person !== undefined && identity.delegatedBy === undefined,
      origin: c.req.header('origin'),
      secFetchSite: c.req.header('sec-fetch-site'),
      host: c.req.header('host'),
      trustedOrigins,
      expectedToken: identity.person?.csrfToken,
      presentedToken: c.req.header(CSRF_HEADER),
    });
    if (!decision.allowed) throw new HttpError(403, 'cross-site-request', decision.reason);
  };

  const guard =
    (allowed: (identity: Identity) => boolean, describe: string): MiddlewareHandler<ServiceEnv> =>
    async (c, next) => {
      const identity = await authenticate(c);
      if (!allowed(identity)) {
        if (identity.anonymous) throw new HttpError(401, 'unauthorized', `${people.length > 0 ? 'sign in or send a bearer token' : 'a bearer token is required'} to ${describe}`);
        throw new HttpError(403, 'forbidden', `role ${identity.role} may not ${describe}`, { role: identity.role });
      }
      checkCsrf(c, identity);
      await next();
    };

  return {
    authenticate,
    identify,
    requirePermission(permission) {
      if (!PERMISSIONS.includes(permission)) throw new TypeError(`requirePermission: unknown permission ${permission}`);
      return guard((identity) => roleAllows(identity.role, permission), `use ${permission}`);
    },
    requireRole(...roles) {
      if (roles.length === 0 || roles.some((r) => !ROLES.includes(r))) throw new TypeError(`requireRole: unknown role in ${roles.join(', ')}`);
      return guard((identity) => identity.role === 'admin' || roles.includes(identity.role), `do this (needs ${roles.join(' or ')})`);
    },
  };
}
