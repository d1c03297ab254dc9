// The dashboard's OIDC sign-in: `/auth/login` sends the person to the provider, `/auth/callback` checks what comes
// back and starts a session, `/auth/logout` ends it. Browser pages, not API routes, so they answer HTML and redirects.
import { randomBytes } from 'node:crypto';
import { OIDC_LOGIN_PATH, OIDC_LOGOUT_PATH } from '@cascade/common/api';
import type { OidcConfig } from '@cascade/common/config';
import { OIDC_CALLBACK_PATH } from '@cascade/common/config';
import type { Logger, ServiceEnv } from '@cascade/common/service';
import { decideCsrf, decideRole, groupsGrantingAccess, HttpError } from '@cascade/common/service';
import type { Context, Hono } from 'hono';
import type { OidcProvider } from './oidc-client.ts';
import { safeReturnTo } from './return-to.ts';
import type { Session } from './session-payload.ts';
import type { SessionCookies } from './session-cookies.ts';
import { describeSignInFailure, failurePage, refusalPage } from './sign-in-pages.ts';

/** What the sign-in routes are given. */
export interface OidcRouteOptions {
  config: OidcConfig;
  provider: OidcProvider;
  cookies: SessionCookies;
  /** `aggregator.auth.sessionTtl`, ms. */
  sessionTtlMs: number;
  /** `aggregator.auth.contact`. */
  contact: string | undefined;
  /** Origins a logout may come from besides the request's own host (the redirect URL's). */
  trustedOrigins: readonly string[];
  logger: Logger;
}

/** Registers `/auth/login`, `/auth/callback` and `/auth/logout`. */
export function registerOidcRoutes(app: Hono<ServiceEnv>, options: OidcRouteOptions): void {
  const { provider, cookies, logger } = options;
  // Every answer here is about one browser's sign-in: never cached, never framed by another site.
  const noStore = (c: Context<ServiceEnv>) => {
    c.header('cache-control', 'no-store');
    c.header('x-frame-options', 'DENY');
  };

  app.get(OIDC_LOGIN_PATH, async (c) => {
    noStore(c);
    let begun: Awaited<ReturnType<OidcProvider['begin']>>;
    try {
      begun = await provider.begin(safeReturnTo(c.req.query('return')));
    } catch (error) {
      logger.warn('OIDC provider cannot be reached', { issuer: options.config.issuer, reason: describeSignInFailure(error) });
      return c.html(failurePage(`The sign-in provider at ${options.config.issuer} cannot be reached right now; try again in a moment.`), 503);
    }
    await cookies.writeFlow(c, begun.flow);
    return c.redirect(begun.url.href, 302);
  });

  app.get(OIDC_CALLBACK_PATH, async (c) => {
    noStore(c);
    const flow = await cookies.readFlow(c);
    // The state, nonce and verifier are single-use: whatever happens next, this browser starts over.
    cookies.clearFlow(c);
    if (flow.kind !== 'valid') {
      return c.html(failurePage('This sign-in expired or was started in another browser; start it again.'), 400);
    }
    let person: Awaited<ReturnType<OidcProvider['finish']>>;
    try {
      person = await provider.finish(new URL(c.req.url).searchParams, flow.value);
    } catch (error) {
      const reason = describeSignInFailure(error);
      logger.warn('OIDC sign-in refused', { reason });
      return c.html(failurePage(reason), 401);
    }
    const decision = decideRole(person.groups, options.config);
    if (decision.kind === 'refused') {
      logger.info('OIDC sign-in without access', { email: person.email, groups: person.groups.slice(0, 20) });
      return c.html(refusalPage({ ...person, grantingGroups: groupsGrantingAccess(options.config), contact: options.contact }), 403);
    }
    const now = cookies.nowSeconds();
    const session: Session = {
      sub: person.sub,
      name: person.name,
      email: person.email,
      role: decision.role,
      csrf: randomBytes(32).toString('base64url'),
      iat: now,
      exp: now + Math.floor(options.sessionTtlMs / 1000),
    };
    await cookies.writeSession(c, session);
    logger.info('signed in', { email: person.email, role: decision.role, ...(decision.group === undefined ? { by: 'defaultRole' } : { group: decision.group }) });
    return c.redirect(`/${flow.value.returnTo}`, 302);
  });

  app.post(OIDC_LOGOUT_PATH, (c) => {
    noStore(c);
    // Signing someone out from another site is a nuisance, not a breach, but it is refused like any cross-site write.
    const decision = decideCsrf({
      method: 'POST',
      ambient: true,
      origin: c.req.header('origin'),
      secFetchSite: c.req.header('sec-fetch-site'),
      host: c.req.header('host'),
      trustedOrigins: options.trustedOrigins,
      expectedToken: undefined,
      presentedToken: undefined,
    });
    if (!decision.allowed) throw new HttpError(403, 'cross-site-request', decision.reason);
    cookies.clearSession(c);
    return c.body(null, 204);
  });
}
