// How a failed run should be retried, the way Flux's controllers sort errors: not ready yet (look again soon, it is
// not a failure), transient (retry with backoff) and terminal (retrying cannot help until the input changes).

/** What kind of failure an error is, and so when the loop looks again. */
export type ErrorKind = 'not-ready' | 'transient' | 'terminal';

/** Something the run waits for is not there yet (a peer starting, a branch not pushed yet); it is looked at again soon. */
export class NotReadyError extends Error {
  readonly kind = 'not-ready';
  /** How soon to look again; default the loop's not-ready delay. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: { retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'NotReadyError';
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Retrying cannot help until someone changes the input (the config, the repo, a credential); reported until then. */
export class TerminalError extends Error {
  readonly kind = 'terminal';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'TerminalError';
  }
}

/** The kind of `error`: an error carrying `kind: 'not-ready' | 'terminal'` is that kind, everything else transient. */
export function errorKind(error: unknown): ErrorKind {
  const kind = typeof error === 'object' && error !== null ? (error as { kind?: unknown }).kind : undefined;
  return kind === 'not-ready' || kind === 'terminal' ? kind : 'transient';
}
