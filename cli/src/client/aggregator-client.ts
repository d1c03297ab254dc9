// The HTTP client of the aggregator the CLI commands use: CASCADE_URL and CASCADE_TOKEN, errors turned into advice.
import type {
  AggregatorStatus,
  ErrorBody,
  HistoryPage,
  HistoryQuery,
  LockRequest,
  LockResponse,
  PromotionResponse,
  PushVersionRequest,
  PushVersionResponse,
  RollbackRequest,
  RollbackResponse,
  UnlockRequest,
} from '@cascade/common/api';
import { API_BASE } from '@cascade/common/api';
import { CliError } from '../errors.ts';

/** Where the aggregator runs when CASCADE_URL is not set. */
export const DEFAULT_AGGREGATOR_URL = 'http://127.0.0.1:7400';

/** Exit code when the aggregator (or a service behind it) cannot be reached; a CI step may retry on it. */
export const EXIT_UNREACHABLE = 3;

/** How long one request may take; a push waits for the git remote, so this is generous. */
export const REQUEST_TIMEOUT_MS = 120_000;

/** A client of one aggregator with one (optional) token. */
export class AggregatorClient {
  constructor(
    readonly url: string,
    private readonly token: string | undefined,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** A client from CASCADE_URL and CASCADE_TOKEN. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): AggregatorClient {
    const url = env['CASCADE_URL'] || DEFAULT_AGGREGATOR_URL;
    if (!/^https?:\/\/[^\s]+$/.test(url)) throw new CliError(`CASCADE_URL "${url}" is not an http(s) URL`, 'Set CASCADE_URL to the aggregator, e.g. http://127.0.0.1:7400.', 'bad-url', 2);
    return new AggregatorClient(url.replace(/\/+$/, ''), env['CASCADE_TOKEN'] || undefined);
  }

  /** Publishes a version; `status` says whether it made a commit or was already there. */
  pushVersion(request: PushVersionRequest): Promise<PushVersionResponse> {
    return this.call('POST', '/versions', request);
  }

  /** Locks an environment or a resource. */
  lock(request: LockRequest): Promise<LockResponse> {
    return this.call('POST', '/locks', request);
  }

  /** Removes one lock reason, or all. */
  unlock(request: UnlockRequest): Promise<LockResponse> {
    return this.call('DELETE', '/locks', request);
  }

  /** Puts an earlier version back, locking the resource. */
  rollback(request: RollbackRequest): Promise<RollbackResponse> {
    return this.call('POST', '/rollbacks', request);
  }

  /** Runs a transition now through the transitioner. */
  promote(transition: string): Promise<PromotionResponse> {
    return this.call('POST', '/promotions', { transition });
  }

  /** The merged status. */
  status(): Promise<AggregatorStatus> {
    return this.call('GET', '/status');
  }

  /** One page of history. */
  history(query: HistoryQuery): Promise<HistoryPage> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    const search = params.toString();
    return this.call('GET', `/history${search ? `?${search}` : ''}`);
  }

  /** One request; a failure becomes a CliError with the server's message and what to do about it. */
  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers['authorization'] = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.url}${API_BASE}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new CliError(`cannot reach the aggregator at ${this.url} (${cause})`, 'Check CASCADE_URL and that the aggregator runs (cascade aggregator --config cascade.yaml).', 'server-unreachable', EXIT_UNREACHABLE);
    }
    const text = await response.text();
    const parsed = parseJson(text);
    if (response.ok) return parsed as T;
    throw errorFor(response.status, parsed as Partial<ErrorBody> | undefined);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The CliError for an error answer: the server's message, and a hint by status. */
function errorFor(status: number, body: Partial<ErrorBody> | undefined): CliError {
  const code = body?.error?.code ?? `http-${status}`;
  const message = body?.error?.message ?? `the aggregator answered HTTP ${status}`;
  if (status === 401) return new CliError(message, 'Set CASCADE_TOKEN to a token listed in aggregator.tokens (create one with cascade token new).', code, 1);
  if (status === 403) return new CliError(message, "This needs a token whose role allows it: ci pushes versions; operator locks, rolls back and promotes.", code, 1);
  if (status === 503) return new CliError(message, 'Nothing was changed; retry in a moment.', code, EXIT_UNREACHABLE);
  if (status === 404 && code === 'not-found') return new CliError(message, 'Is CASCADE_URL the aggregator (not the deployer or transitioner)?', code, 1);
  return new CliError(message, undefined, code, 1);
}
