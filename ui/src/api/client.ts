// The dashboard's only way to the aggregator's HTTP API: one fetch wrapper, one error type.
import { API_BASE } from '@cascade/common/api';
import type {
  AggregatorStatus,
  ErrorBody,
  HistoryPage,
  HistoryQuery,
  LockRequest,
  LockResponse,
  RollbackRequest,
  RollbackResponse,
  UnlockRequest,
} from './wire.ts';
import type { Whoami } from './whoami.ts';

/** A request the aggregator refused or could not answer; `code` is the server's stable error code. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status, or 0 when the server could not be reached. */
    readonly status: number,
    /** The server's error code (`forbidden`, `target-locked`, …), or `network` / `bad-response`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Supplies the bearer token of the session, or undefined for anonymous requests. */
export type TokenSource = () => string | undefined;

/** Typed calls of the aggregator API, relative to the page's origin (`base` for tests and dev servers). */
export class ApiClient {
  constructor(
    private readonly token: TokenSource,
    private readonly base = API_BASE,
  ) {}

  /** `GET /status`: the whole dashboard state. */
  status(): Promise<AggregatorStatus> {
    return this.call('GET', '/status');
  }

  /** `GET /history`: one page of commits, newest first. */
  history(query: HistoryQuery): Promise<HistoryPage> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
    const search = params.size > 0 ? `?${params}` : '';
    return this.call('GET', `/history${search}`);
  }

  /** `GET /whoami`: the identity and permissions of the current token. */
  whoami(): Promise<Whoami> {
    return this.call('GET', '/whoami');
  }

  /** `POST /locks`: lock an environment or one resource in it. */
  lock(request: LockRequest): Promise<LockResponse> {
    return this.call('POST', '/locks', request);
  }

  /** `DELETE /locks`: remove one reason, or all. */
  unlock(request: UnlockRequest): Promise<LockResponse> {
    return this.call('DELETE', '/locks', request);
  }

  /** `POST /rollbacks`: put an earlier version back on an environment (which also locks the resource there). */
  rollback(request: RollbackRequest): Promise<RollbackResponse> {
    return this.call('POST', '/rollbacks', request);
  }

  /** Headers every request carries: the bearer token when the session has one. */
  authHeaders(): Record<string, string> {
    const token = this.token();
    return token ? { authorization: `Bearer ${token}` } : {};
  }

  /** The absolute path of an API route. */
  url(path: string): string {
    return `${this.base}${path}`;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...this.authHeaders() };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(this.url(path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      throw new ApiError(0, 'network', `the aggregator cannot be reached (${(error as Error).message})`);
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
      throw new ApiError(response.status, error?.code ?? 'http-error', error?.message ?? `${method} ${path} answered ${response.status}`);
    }
    return parsed as T;
  }
}
