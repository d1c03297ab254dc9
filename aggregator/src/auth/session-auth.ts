// A person signed in to the dashboard through OIDC: their session cookie, checked on every request.
import type { Identity, PersonAuthenticator } from '@cascade/common/service';
import { HttpError } from '@cascade/common/service';
import type { SessionCookies } from './session-cookies.ts';

/** Reads the session cookie: none is no person; a tampered, malformed or expired one is refused, never read as anonymous. */
export function sessionAuthenticator(cookies: SessionCookies): PersonAuthenticator {
  return {
    async identify(c) {
      const session = await cookies.readSession(c);
      switch (session.kind) {
        case 'absent':
          return undefined;
        case 'expired':
          throw new HttpError(401, 'session-expired', 'your dashboard session has ended; sign in again');
        case 'tampered':
        case 'malformed':
          // Signed with another key (a restart without sessionKeyFile, another installation) or altered: the same answer.
          throw new HttpError(401, 'session-invalid', 'your dashboard session is not valid here; sign in again');
        case 'valid': {
          const { name, email, role, csrf, exp } = session.value;
          const identity: Identity = { name, role, anonymous: false, person: { email, via: 'oidc', csrfToken: csrf, expiresAt: exp * 1000 } };
          return identity;
        }
      }
    },
  };
}
