// The HTTP client of the aggregator the CLI commands use: CASCADE_URL and CASCADE_TOKEN, errors turned into advice.
import type { ErrorBody } from '@cascade/common/api';
import { AggregatorApi, API_BASE } from '@cascade/common/api';
import { CliError } from '../errors.ts';

/** Where the aggregator runs when CASCADE_URL is not set. */
const DEFAULT_AGGREGATOR_URL = 'http://127.0.0.1:7400';

/** Exit code when the aggregator (or a service behind it) cannot be reached; a CI step may retry on it. */
const EXIT_UNREACHABLE = 3;

/** How long one request may take; a push waits for the git remote, so this is generous. */
const REQUEST_TIMEOUT_MS = 120_000;

/** A client of one aggregator with one (optional) token; failures become CliErrors with advice. */
export class AggregatorClient extends AggregatorApi {
  constructor(
    readonly url: string,
    token: string | undefined,
    fetchImpl: typeof fetch = fetch,
  ) {
    super((method, path, body) => request(url, token, fetchImpl, method, path, body));
  }

  /** A client from CASCADE_URL and CASCADE_TOKEN. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): AggregatorClient {
    const url = env['CASCADE_URL'] || DEFAULT_AGGREGATOR_URL;
    if (!/^https?:\/\/[^\s]+$/.test(url)) throw new CliError(`CASCADE_URL "${url}" is not an http(s) URL`, 'Set CASCADE_URL to the aggregator, e.g. http://127.0.0.1:7400.', 'bad-url', 2);
    return new AggregatorClient(url.replace(/\/+$/, ''), env['CASCADE_TOKEN'] || undefined);
  }
}

/** One request; a failure becomes a CliError with the server's message and what to do about it. */
async function request<T>(url: string, token: string | undefined, fetchImpl: typeof fetch, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers['authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetchImpl(`${url}${API_BASE}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new CliError(`cannot reach the aggregator at ${url} (${cause})`, 'Check CASCADE_URL and that the aggregator runs (cascade aggregator --config cascade.yaml; for the playground, npm start).', 'server-unreachable', EXIT_UNREACHABLE);
  }
  const text = await response.text();
  const parsed = parseJson(text);
  if (response.ok) return parsed as T;
  throw errorFor(response.status, parsed as Partial<ErrorBody> | undefined);
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
  if (status === 423) return new CliError(message, 'Unlock it first (cascade unlock), or as an operator push anyway with --lock-override "<why>"; a ci token never can.', code, 1);
  if (code === 'environment-not-allowed') return new CliError(message, 'A ci token pushes into the entry environment (or aggregator.ciEnvironments); transitions promote from there.', code, 1);
  if (status === 403) return new CliError(message, "This needs a token whose role allows it: ci pushes versions; operator locks, rolls back and promotes.", code, 1);
  if (status === 503) return new CliError(message, 'Nothing was changed; retry in a moment.', code, EXIT_UNREACHABLE);
  if (status === 404 && code === 'not-found') return new CliError(message, 'Is CASCADE_URL the aggregator (not the deployer or transitioner)?', code, 1);
  return new CliError(message, undefined, code, 1);
}
