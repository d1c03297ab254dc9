// A request to the API server that got no HTTP answer at all: the connection was refused, timed out or closed early.

/** No answer to one request; `code` is the network layer's own (ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT, …) when it gave one. */
export class KubeRequestError extends Error {
  readonly code: string | undefined;
  constructor(readonly data: { method: string; url: string; reason: string; code?: string }, options: { cause: unknown }) {
    super(`${data.method} ${data.url} failed: ${data.reason}`, options);
    this.name = 'KubeRequestError';
    this.code = data.code;
  }

  /** Wraps what the transport threw for `method url`, keeping its code and naming the request. */
  static of(method: string, url: string, error: unknown): KubeRequestError {
    const code = (error as { code?: unknown } | null)?.code;
    return new KubeRequestError({ method, url: withoutQuery(url), reason: reasonOf(error), ...(typeof code === 'string' ? { code } : {}) }, { cause: error });
  }
}

/** The sentence of an error; a failed dual-stack connect is an AggregateError with an empty message and one error per address. */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.message !== '') return error.message;
  if (error instanceof AggregateError) return error.errors.map(reasonOf).join('; ');
  return error.name;
}

/** Query strings repeat on every request (fieldManager, fieldValidation); the path names the object. */
function withoutQuery(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? url : url.slice(0, at);
}
