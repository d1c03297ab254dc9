// `GET /api/v1/whoami`: who the request's token or person is, so a client (the dashboard) can offer only what the role
// may do; `GET /api/v1/sign-in`: how people may sign in to this aggregator.

/** Answer of `GET /api/v1/whoami` (permission `read`). */
export interface WhoamiResponse {
  /** The token's name or the person's name (the commit author), or `anonymous` without a token when anonymous reading is on. */
  name: string;
  /** `viewer`, `ci`, `operator` or `admin`. */
  role: string;
  anonymous: boolean;
  /** The role's permissions, e.g. `read`, `locks:write`, `rollbacks:write`. */
  permissions: string[];
  /** Set for a person signed in through OIDC or vouched for by a trusted auth proxy; absent for tokens. */
  person?: WhoamiPerson;
  /** OIDC sessions only: the value every write must send in `X-Cascade-CSRF`. */
  csrfToken?: string;
}

/** The person behind a request. */
export interface WhoamiPerson {
  /** The commit author's email. */
  email: string;
  /** `oidc`: a dashboard session; `proxy`: an auth proxy's headers. */
  via: 'oidc' | 'proxy';
  /** OIDC sessions only: when the session ends (ISO 8601). */
  expiresAt?: string;
  /** Whether the aggregator passes this person on to the transitioner and the deployer; without it promotions and staging action logs need a token. */
  passedOn: boolean;
}

/** Answer of `GET /api/v1/sign-in` (public): which ways in besides a pasted token the dashboard may offer. */
export interface SignInOptions {
  /** True when `aggregator.auth.oidc` is configured: the dashboard offers "Sign in" through `OIDC_LOGIN_PATH`. */
  oidc: boolean;
}

/** Where the dashboard sends a person to sign in through OIDC (with `?return=#/…`). */
export const OIDC_LOGIN_PATH = '/auth/login';

/** Where the dashboard posts to end an OIDC session. */
export const OIDC_LOGOUT_PATH = '/auth/logout';

/** The header a signed-in person's writes echo the session's `csrfToken` in. */
export { CSRF_HEADER } from '../service/auth/csrf-header.ts';
