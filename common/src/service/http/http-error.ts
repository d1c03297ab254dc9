// The one HTTP error type: handlers and middleware throw it, `onError` turns it into the JSON error body.

/** An error meant for the client: a status, a stable `code`, a sentence and optional structured details. */
export class HttpError extends Error {
  override readonly name = 'HttpError';

  constructor(
    /** HTTP status to answer with. */
    readonly status: number,
    /** Stable machine-readable code, e.g. `invalid-request`, `forbidden`, `target-locked`. */
    readonly code: string,
    message: string,
    /** JSON-serialisable data a client can act on (the failing field, the lock reasons, …). Never secrets. */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}
