// The one place that speaks OpenID Connect, through openid-client: discovery, the authorization URL with PKCE, and
// the code exchange, which checks the ID token's signature, issuer, audience, expiry and nonce.
import type { Logger } from '@cascade/common/service';
import type { OidcConfig } from '@cascade/common/config';
import { isLoopbackHost } from '@cascade/common/config';
import * as client from 'openid-client';
import { needsUserinfo, personFromClaims, type Claims, type SignedInPerson } from './oidc-claims.ts';
import type { SignInFlow } from './session-payload.ts';

/** How long one call to the provider may take. */
const PROVIDER_TIMEOUT_SECONDS = 10;

/** What the sign-in routes need from the provider. */
export interface OidcProvider {
  /** Where to send the person, and what to remember until they come back. */
  begin(returnTo: string): Promise<{ url: URL; flow: Omit<SignInFlow, 'exp'> }>;
  /** Finishes a sign-in: exchanges the code from `callbackQuery` and checks the ID token against `flow`. */
  finish(callbackQuery: URLSearchParams, flow: SignInFlow): Promise<SignedInPerson>;
}

/** What the provider client is made of. */
export interface OidcProviderOptions {
  config: OidcConfig;
  /** The client secret read from `clientSecretFile`; absent for a public client. */
  clientSecret: string | undefined;
  logger: Logger;
  /** How the provider is reached (tests put a stand-in in between). */
  fetch?: typeof fetch;
}

/** A provider client that discovers the issuer on first use and again after a failed discovery, so a provider that is down at start does not stop the aggregator. */
export function createOidcProvider(options: OidcProviderOptions): OidcProvider {
  const { config } = options;
  let discovered: Promise<client.Configuration> | undefined;

  const configuration = (): Promise<client.Configuration> => {
    discovered ??= discover(options).catch((error: unknown) => {
      discovered = undefined;
      throw error;
    });
    return discovered;
  };

  return {
    async begin(returnTo) {
      const server = await configuration();
      const verifier = client.randomPKCECodeVerifier();
      const flow = { state: client.randomState(), nonce: client.randomNonce(), verifier, returnTo };
      const url = client.buildAuthorizationUrl(server, {
        redirect_uri: config.redirectUrl,
        scope: config.scopes.join(' '),
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state: flow.state,
        nonce: flow.nonce,
      });
      return { url, flow };
    },
    async finish(callbackQuery, flow) {
      const server = await configuration();
      // The provider redirected to redirectUrl; a TLS proxy in front means the request seen here has another origin.
      const callbackUrl = new URL(config.redirectUrl);
      callbackUrl.search = callbackQuery.toString();
      const tokens = await client.authorizationCodeGrant(server, callbackUrl, { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true });
      const idToken = tokens.claims() as Claims | undefined;
      if (idToken === undefined) throw new Error('the provider sent no ID token');
      let userinfo: Claims | undefined;
      if (needsUserinfo(idToken, config.groupsClaim) && tokens.access_token && server.serverMetadata().userinfo_endpoint) {
        // Many providers (Keycloak, oidc-provider, Google) put profile, email and groups in userinfo only.
        userinfo = (await client.fetchUserInfo(server, tokens.access_token, String(idToken['sub']))) as Claims;
      }
      return personFromClaims(idToken, userinfo, config.groupsClaim);
    },
  };
}

async function discover(options: OidcProviderOptions): Promise<client.Configuration> {
  const { config } = options;
  const issuer = new URL(config.issuer);
  // The config reader allows http only for a loopback issuer (a provider on this machine, tests).
  const insecure = issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname.replace(/^\[|\]$/g, ''));
  const execute = [client.enableNonRepudiationChecks, ...(insecure ? [client.allowInsecureRequests] : [])];
  const authentication = options.clientSecret === undefined ? client.None() : client.ClientSecretBasic(options.clientSecret);
  const metadata: Partial<client.ClientMetadata> = options.clientSecret === undefined ? {} : { client_secret: options.clientSecret };
  const server = await client.discovery(issuer, config.clientId, metadata, authentication, {
    execute,
    timeout: PROVIDER_TIMEOUT_SECONDS,
    ...(options.fetch ? { [client.customFetch]: (url: string, init: RequestInit) => options.fetch!(url, init) } : {}),
  });
  options.logger.info('OIDC provider discovered', { issuer: config.issuer });
  return server;
}
