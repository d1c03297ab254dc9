// The dashboard's only way to the aggregator's HTTP API: one fetch wrapper, one error type.
import { AggregatorApi, API_BASE, CSRF_HEADER, OIDC_LOGOUT_PATH } from '@cascade/common/api';
import type { ErrorBody } from './wire.ts';

/** A request the aggregator refused or could not answer; `code` is the server's stable error code. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status, or 0 when the server could not be reached. */
    readonly status: number,
    /** The server's error code (`forbidden`, `target-locked`, …), or `network` / `bad-response`. */
    readonly code: string,
    message: string,
    /** The request field the server names as the problem (`name`, `app.FOO`), when it names one. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Supplies the bearer token of the session, or undefined for anonymous requests. */
export type TokenSource = () => string | undefined;

/** Typed calls of the aggregator API (the routes are named once, in common), relative to the page's origin (`base` for tests and dev servers). */
export class ApiClient extends AggregatorApi {
  constructor(
    private readonly token: TokenSource,
    private readonly base = API_BASE,
    /** The CSRF token of a signed-in person's session cookie, which every write must echo. */
    private readonly csrf: TokenSource = () => undefined,
  ) {
    super((method, path, body) => request(this.url(path), this.authHeaders(), method, path, body));
  }

  /** Headers every request carries: the bearer token when the session has one, else a cookie session's CSRF token. */
  authHeaders(): Record<string, string> {
    const token = this.token();
    if (token) return { authorization: `Bearer ${token}` };
    const csrf = this.csrf();
    return csrf ? { [CSRF_HEADER]: csrf } : {};
  }

  /** Ends an OIDC session: the aggregator clears the cookie. */
  async signOut(): Promise<void> {
    const response = await fetch(OIDC_LOGOUT_PATH, { method: 'POST', headers: this.authHeaders() });
    if (!response.ok && response.status !== 404) throw new ApiError(response.status, 'sign-out-failed', `signing out answered ${response.status}`);
  }

  /** The absolute path of an API route. */
  url(path: string): string {
    return `${this.base}${path}`;
  }
}

/** One request; a failure becomes an ApiError the page can show. */
async function request<T>(url: string, auth: Record<string, string>, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...auth };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (error) {
    throw new ApiError(0, 'network', `Cascade cannot be reached (${(error as Error).message})`);
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new ApiError(response.status, 'bad-response', `${method} ${path} answered ${response.status} with a body that is not JSON`);
  }
  if (!response.ok) {
    const error = (parsed as Partial<ErrorBody> | undefined)?.error;
    const field = (error?.details as { field?: unknown } | undefined)?.field;
    throw new ApiError(response.status, error?.code ?? 'http-error', error?.message ?? `${method} ${path} answered ${response.status}`, typeof field === 'string' ? field : undefined);
  }
  return parsed as T;
}
