// A real OpenID Connect provider in-process (the `oidc-provider` package) for the sign-in tests: the people it knows
// with their groups, the dashboard as a client, and a second client whose tokens the dashboard must refuse.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider, { type Configuration } from 'oidc-provider';

/** Someone the provider signs in: the login name typed into its form, and what it says about them. */
export interface ProviderUser {
  login: string;
  name: string;
  email: string;
  groups: string[];
}

/** A running provider. */
export interface TestProvider {
  issuer: string;
  /** The dashboard's client and its secret. */
  clientId: string;
  clientSecret: string;
  /** A second client, so a test can get an ID token meant for someone else. */
  other: { clientId: string; clientSecret: string; redirectUri: string };
  close(): Promise<void>;
}

/** Starts the provider on a free port, with `dashboardRedirect` as the dashboard client's redirect URI. */
export async function startTestProvider(users: readonly ProviderUser[], dashboardRedirect: string): Promise<TestProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientSecret = randomBytes(24).toString('base64url');
  const other = { clientId: 'other-app', clientSecret: randomBytes(24).toString('base64url'), redirectUri: 'http://127.0.0.1:1/other/callback' };
  const configuration: Configuration = {
    clients: [
      { client_id: 'cascade', client_secret: clientSecret, redirect_uris: [dashboardRedirect], grant_types: ['authorization_code'], response_types: ['code'] },
      { client_id: other.clientId, client_secret: other.clientSecret, redirect_uris: [other.redirectUri], grant_types: ['authorization_code'], response_types: ['code'] },
    ],
    // The login typed into the form is the account; claims come through userinfo, as with most providers.
    findAccount: (_ctx, id) => {
      const user = users.find((candidate) => candidate.login === id);
      if (!user) return undefined;
      return { accountId: id, claims: () => ({ sub: id, name: user.name, email: user.email, email_verified: true, groups: user.groups }) };
    },
    claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'], groups: ['groups'] },
    scopes: ['openid', 'profile', 'email', 'groups'],
    features: { devInteractions: { enabled: true } },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    // A signing key of this run, so the ID tokens' signatures are checked against keys nobody else has.
    jwks: { keys: [{ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' }] },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    // No consent screen: the people here have agreed to share their groups with the dashboard.
    loadExistingGrant: async (ctx) => {
      if (!ctx.oidc.session?.accountId || !ctx.oidc.client) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid profile email groups');
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, configuration);
  server.on('request', provider.callback());
  return {
    issuer,
    clientId: 'cascade',
    clientSecret,
    other,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A PKCE pair for a test's own authorization request. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
