// Why a write request was refused before anything was committed; the API maps `reason` to an HTTP status.

/**
 * How a refusal reads to a client: bad input (422), something missing (404), a clash with the repo (409),
 * a place the token's role may not write (403), a lock in the way (423), or a file the write would make too large (413).
 */
export type RefusalReason = 'unprocessable' | 'not-found' | 'conflict' | 'forbidden' | 'locked' | 'too-large';

/** A write the repo's current state does not allow, naming the field, file, environment or resource concerned. */
export class WriteRefusedError extends Error {
  constructor(
    /** Stable code, e.g. `unknown-environment`, `missing-base`, `version-not-found`. */
    readonly code: string,
    readonly reason: RefusalReason,
    message: string,
    /** What a client can act on: the field, the file, the environments that exist, … */
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'WriteRefusedError';
  }
}
