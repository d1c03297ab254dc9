// The one error type of the local-cluster scripts: a stable code plus a message that says what to do.

/** Stable codes for local-cluster failures, so callers (CI, the test setup) can branch without parsing text. */
export type ClusterErrorCode =
  | 'GO_MISSING'
  | 'GO_MODULES_UNAVAILABLE'
  | 'BUILD_FAILED'
  | 'BINARY_MISSING'
  | 'START_FAILED'
  | 'NOT_READY'
  | 'LOCKED';

/** A failure to build, start or stop the local cluster. */
export class ClusterError extends Error {
  override name = 'ClusterError';

  /** Creates an error; `message` names the component, file or env var involved. */
  constructor(
    readonly code: ClusterErrorCode,
    message: string,
  ) {
    super(message);
  }
}
