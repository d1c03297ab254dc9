// A person vouched for by an auth proxy (oauth2-proxy, an ingress's auth request) in headers, believed only when the
// request comes from one of `trustedProxies`; from any other address the headers are ignored.
import type { ProxyAuthConfig } from '@cascade/common/config';
import type { Identity, PersonAuthenticator, ServiceEnv } from '@cascade/common/service';
import { decideRole, groupsGrantingAccess, HttpError, parseCidr, personAuthor, readProxyHeaders, TrustedProxies } from '@cascade/common/service';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { DEFAULT_CONTACT } from './sign-in-pages.ts';

/** The authenticator for `aggregator.auth.proxy`; `contact` is `aggregator.auth.contact`. */
export function proxyAuthenticator(config: ProxyAuthConfig, contact: string | undefined): PersonAuthenticator {
  // The config reader checked every range; one that does not parse here is a programming error, refused at start.
  const ranges = config.trustedProxies.map((range) => {
    const parsed = parseCidr(range);
    if ('error' in parsed) throw new TypeError(`proxy: trustedProxies: ${parsed.error}`);
    return parsed;
  });
  const trusted = new TrustedProxies(ranges);
  return {
    async identify(c) {
      // Anyone can send these headers; only the proxy's own connection makes them true.
      if (!trusted.trusts(peerAddress(c))) return undefined;
      const claim = readProxyHeaders({ user: c.req.header(config.userHeader), groups: c.req.header(config.groupsHeader), name: config.nameHeader === undefined ? undefined : c.req.header(config.nameHeader) });
      if (claim.kind === 'none') return undefined;
      if (claim.kind === 'invalid') throw new HttpError(401, 'proxy-identity-invalid', `the auth proxy's headers cannot be used: ${claim.reason}`);
      const author = personAuthor(claim.name, claim.email, claim.user);
      const decision = decideRole(claim.groups, config);
      if (decision.kind === 'refused') {
        const granting = groupsGrantingAccess(config);
        throw new HttpError(403, 'no-access', `${author.email}: none of your groups gives access to Cascade${granting.length > 0 ? ` (access comes with ${granting.join(', ')})` : ''}; ask ${contact ?? DEFAULT_CONTACT} to add you`, { contact: contact ?? null });
      }
      const identity: Identity = { name: author.name, role: decision.role, anonymous: false, person: { email: author.email, via: 'proxy' } };
      return identity;
    },
  };
}

/** The address of the connection's other end, or undefined when there is no socket (in-process test requests). */
function peerAddress(c: Context<ServiceEnv>): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}
