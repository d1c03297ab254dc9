// Bearer-token authentication and role checks for service routes; the identity becomes the commit author.
import type { Context, MiddlewareHandler } from 'hono';
import type { ServiceEnv } from '../http/context.ts';
import { HttpError } from '../http/http-error.ts';
import type { Permission, Role } from './roles.ts';
import { PERMISSIONS, ROLES, roleAllows } from './roles.ts';
import type { Identity, TokenEntry } from './tokens.ts';
import { TokenVerifier } from './tokens.ts';

/** Options of `createAuth`, usually straight from the service's config section. */
export interface AuthOptions {
  tokens: readonly TokenEntry[];
  /** Admit requests without a token as an anonymous viewer (read only); a wrong token is still refused. */
  anonymousRead?: boolean;
}

/** Route guards bound to one token set. */
export interface Auth {
  /** Authenticates the request and requires `permission`: 401 without a valid token, 403 when the role lacks it. */
  requirePermission(permission: Permission): MiddlewareHandler<ServiceEnv>;
  /** Authenticates the request and requires one of `roles` (admin always passes). Prefer `requirePermission`. */
  requireRole(...roles: Role[]): MiddlewareHandler<ServiceEnv>;
  /** The identity of a request, authenticating it if no guard has yet; throws 401 like the guards. */
  identify(c: Context<ServiceEnv>): Identity;
}

const ANONYMOUS: Identity = Object.freeze({ name: 'anonymous', role: 'viewer', anonymous: true });

/** Creates the guards for a token set; checks the options once, here, not per request. */
export function createAuth(options: AuthOptions): Auth {
  const verifier = new TokenVerifier(options.tokens);
  const anonymousRead = options.anonymousRead ?? false;

  const identify = (c: Context<ServiceEnv>): Identity => {
    const known = c.get('identity');
    if (known) return known;
    const header = c.req.header('authorization');
    let identity: Identity | undefined;
    if (header === undefined || header === '') {
      if (!anonymousRead) throw new HttpError(401, 'unauthorized', 'a bearer token is required');
      identity = ANONYMOUS;
    } else {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match) throw new HttpError(401, 'unauthorized', 'the Authorization header must be "Bearer <token>"');
      identity = verifier.verify(match[1]!);
      // Deliberately the same message for every unknown token: never echo any part of it.
      if (!identity) throw new HttpError(401, 'unauthorized', 'the bearer token is not valid');
    }
    c.set('identity', identity);
    return identity;
  };

  const guard =
    (allowed: (identity: Identity) => boolean, describe: string): MiddlewareHandler<ServiceEnv> =>
    async (c, next) => {
      const identity = identify(c);
      if (!allowed(identity)) {
        if (identity.anonymous) throw new HttpError(401, 'unauthorized', `a bearer token is required to ${describe}`);
        throw new HttpError(403, 'forbidden', `role ${identity.role} may not ${describe}`, { role: identity.role });
      }
      await next();
    };

  return {
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
