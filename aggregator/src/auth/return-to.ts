// Where the dashboard returns a person after signing in: a page of the dashboard itself, never another site.

/** The dashboard's start page. */
export const DASHBOARD_HOME = '#/';

/** The dashboard route (`#/…`) a sign-in may return to; anything else (another site, a path, odd bytes) is the start page. */
export function safeReturnTo(requested: string | undefined): string {
  if (requested === undefined || requested.length > 512) return DASHBOARD_HOME;
  // Only the hash routes the dashboard knows, spelt with URL-safe characters: the redirect is `/` plus this, so nothing
  // here can name another host or path.
  return /^#\/[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$/.test(requested) ? requested : DASHBOARD_HOME;
}
