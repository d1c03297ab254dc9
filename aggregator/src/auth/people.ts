// How people get into the aggregator besides tokens, built once from `aggregator.auth`: OIDC sessions for the
// dashboard and a trusted auth proxy's headers. Tokens stay for CI and the CLI either way.
import type { SignInOptions } from '@cascade/common/api';
import type { AggregatorAuthConfig } from '@cascade/common/config';
import { isLoopbackHost } from '@cascade/common/config';
import type { Clock, Logger, PersonAuthenticator, ServiceEnv, TokenEntry } from '@cascade/common/service';
import type { Hono } from 'hono';
import { createOidcProvider } from './oidc-client.ts';
import { registerOidcRoutes } from './oidc-routes.ts';
import { proxyAuthenticator } from './proxy-auth.ts';
import { loadClientSecret, loadPeerToken, loadSessionKey } from './secret-files.ts';
import { sessionAuthenticator } from './session-auth.ts';
import { SessionCookies } from './session-cookies.ts';

/** The people side of authentication, for createAuth, the app and the dashboard. */
export interface PeopleAuth {
  /** Tried in order when a request has no bearer token: the session cookie, then the proxy's headers. */
  authenticators: PersonAuthenticator[];
  /** Origins writes by people may come from besides the request's own host: the OIDC redirect URL's. */
  trustedOrigins: string[];
  /** What the dashboard may offer (`GET /api/v1/sign-in`). */
  signIn: SignInOptions;
  /** Registers the browser routes of the OIDC sign-in; nothing without OIDC. */
  registerRoutes(app: Hono<ServiceEnv>): void;
  /** The aggregator's own delegating token (`peerTokenFile`), which passes people on to the transitioner and the deployer. */
  peerToken?: string;
}

/** What createPeopleAuth needs besides the config. */
export interface PeopleAuthOptions {
  clock: Clock;
  logger: Logger;
  /** How the OIDC provider is reached (tests put a stand-in in between). */
  fetch?: typeof fetch;
  /** `aggregator.tokens`, which the peer token must be among (marked `delegate: true`). */
  tokens?: readonly TokenEntry[];
}

/** No people: tokens only, as before `aggregator.auth`. */
export const TOKENS_ONLY: PeopleAuth = Object.freeze({ authenticators: [], trustedOrigins: [], signIn: { oidc: false }, registerRoutes: () => {} });

/** Reads the key and secret files and builds the authenticators; throws (naming the file) when one cannot be used. */
export async function createPeopleAuth(auth: AggregatorAuthConfig | undefined, options: PeopleAuthOptions): Promise<PeopleAuth> {
  if (auth === undefined || (auth.oidc === undefined && auth.proxy === undefined)) return TOKENS_ONLY;
  const peerToken = auth.peerTokenFile === undefined ? {} : { peerToken: await loadPeerToken(auth.peerTokenFile, options.tokens ?? []) };
  const authenticators: PersonAuthenticator[] = [];
  const trustedOrigins: string[] = [];
  let registerRoutes: PeopleAuth['registerRoutes'] = () => {};
  const { oidc } = auth;
  if (oidc) {
    const { key, fromFile } = await loadSessionKey(auth.sessionKeyFile);
    // Several replicas behind a Service must share the key, or a session made by one is refused by the next.
    if (!fromFile) options.logger.warn('aggregator.auth.sessionKeyFile is not set: sessions are signed with a key of this process, so they end at a restart and other replicas refuse them');
    const redirect = new URL(oidc.redirectUrl);
    const secure = !(redirect.protocol === 'http:' && isLoopbackHost(redirect.hostname.replace(/^\[|\]$/g, '')));
    const cookies = new SessionCookies({ key, secure, clock: options.clock });
    const clientSecret = oidc.clientSecretFile === undefined ? undefined : await loadClientSecret(oidc.clientSecretFile);
    const provider = createOidcProvider({ config: oidc, clientSecret, logger: options.logger, ...(options.fetch ? { fetch: options.fetch } : {}) });
    authenticators.push(sessionAuthenticator(cookies));
    trustedOrigins.push(redirect.origin);
    registerRoutes = (app) => registerOidcRoutes(app, { config: oidc, provider, cookies, sessionTtlMs: auth.sessionTtl, contact: auth.contact, trustedOrigins, logger: options.logger });
  }
  if (auth.proxy) authenticators.push(proxyAuthenticator(auth.proxy, auth.contact));
  return { authenticators, trustedOrigins, signIn: { oidc: oidc !== undefined }, registerRoutes, ...peerToken };
}
