// Errors the CLI shows to people: what went wrong and what to do about it, never a stack trace.

/** A failure the user can fix; `hint` says how. */
export class CliError extends Error {
  /** Stable code for `-o json` output. */
  readonly code: string;
  constructor(
    message: string,
    readonly hint?: string,
    code = 'cli-error',
    /** Process exit code: 2 for usage errors, 1 otherwise. */
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
    this.code = code;
  }
}
