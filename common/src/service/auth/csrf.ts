// Whether a write may go ahead on a credential the browser sends by itself (a session cookie, an auth proxy's cookie):
// only from this dashboard's own origin, and with a session also only with the session's CSRF token.
import { createHash, timingSafeEqual } from 'node:crypto';
import { CSRF_HEADER } from './csrf-header.ts';

export { CSRF_HEADER };

/** Everything the decision looks at, read from the request by the caller. */
export interface CsrfInput {
  method: string;
  /** True when the credential rides along by itself (cookies); a bearer token is never sent by a browser on its own. */
  ambient: boolean;
  /** The `Origin` header. */
  origin: string | undefined;
  /** The `Sec-Fetch-Site` header. */
  secFetchSite: string | undefined;
  /** The `Host` header: the origin the browser sees is this host, whatever TLS proxy sits in front. */
  host: string | undefined;
  /** Origins writes may also come from, e.g. the origin of the OIDC redirect URL. */
  trustedOrigins: readonly string[];
  /** The session's CSRF token, when the credential is a session. */
  expectedToken: string | undefined;
  /** The `X-Cascade-CSRF` header. */
  presentedToken: string | undefined;
}

/** The decision, with a sentence for the refusal. */
export type CsrfDecision = { allowed: true } | { allowed: false; reason: string };

// Methods that change nothing on any Cascade route; every other method is a write.
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Decides whether a request may proceed: reads always, bearer-token writes always, cookie writes only same-origin. */
export function decideCsrf(input: CsrfInput): CsrfDecision {
  if (SAFE_METHODS.has(input.method.toUpperCase()) || !input.ambient) return { allowed: true };
  const site = input.secFetchSite?.toLowerCase();
  // Browsers mark every request with where it came from; only our own pages may write with a cookie.
  if (site !== undefined && site !== 'same-origin') return { allowed: false, reason: `a write with a browser session must come from the dashboard itself (Sec-Fetch-Site: ${site})` };
  if (input.origin !== undefined) {
    if (!isSameOrigin(input.origin, input.host, input.trustedOrigins)) return { allowed: false, reason: 'a write with a browser session must come from the dashboard itself, not from another origin' };
  } else if (site === undefined) {
    // Every current browser sends Origin or Sec-Fetch-Site on a POST; a request with neither is not from one of our pages.
    return { allowed: false, reason: 'a write with a browser session must come from the dashboard (no Origin header); scripts use a bearer token' };
  }
  if (input.expectedToken !== undefined && !sameSecret(input.expectedToken, input.presentedToken)) {
    return { allowed: false, reason: `a write with a dashboard session needs the session's ${CSRF_HEADER} header; reload the page` };
  }
  return { allowed: true };
}

/** Tells whether `origin` is the request's own (same host and port as `Host`) or one of `trusted`. */
export function isSameOrigin(origin: string, host: string | undefined, trusted: readonly string[]): boolean {
  const parsed = parseOrigin(origin);
  if (parsed === undefined) return false;
  if (trusted.some((entry) => parseOrigin(entry)?.origin === parsed.origin)) return true;
  if (host === undefined || host === '') return false;
  // Scheme is not compared: TLS usually ends in front of the aggregator, so the request it sees is plain http.
  const own = parseOrigin(`${parsed.protocol}//${host}`);
  return own !== undefined && own.host === parsed.host;
}

/** Parses an origin (`scheme://host[:port]`, nothing else); undefined for `null`, paths, credentials or garbage. */
function parseOrigin(text: string): URL | undefined {
  if (!/^https?:\/\/[^/?#@\s]+$/i.test(text)) return undefined;
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** Compares two secrets in constant time (digests first, so lengths say nothing either). */
function sameSecret(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(presented));
}
