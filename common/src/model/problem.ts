/** Severity of a problem found in the resource repo: errors block a resource, warnings only inform. */
export type Severity = 'error' | 'warning';

/** One problem found in the resource repo, pointing at the place a user has to change. */
export interface Problem {
  /** Path of the file inside the repo, e.g. `dev/version/shop/cart.yaml`. */
  file: string;
  /** 1-based line, when the problem has a position inside the file. */
  line?: number;
  /** 1-based column, when the problem has a position inside the file. */
  col?: number;
  severity: Severity;
  /** Stable machine-readable code, e.g. `yaml-syntax`, `missing-base`, `missing-key`. */
  code: string;
  /** A sentence a user can act on. */
  message: string;
  /** Environment the problem belongs to, when it belongs to one. */
  env?: string;
  /** Resource the problem belongs to, when it belongs to one. */
  resource?: string;
  /** Staging the problem belongs to, when it belongs to one. */
  staging?: string;
}

/** Orders problems by file, then line and column, the order a user fixes them in. */
export function compareProblems(a: Problem, b: Problem): number {
  return a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0);
}

/** Formats a problem as `file:line:col: severity: message`, the form editors and CI logs understand. */
export function formatProblem(p: Problem): string {
  const place = p.line === undefined ? p.file : `${p.file}:${p.line}:${p.col ?? 1}`;
  return `${place}: ${p.severity}: ${p.message}`;
}

/** An unexpected exception met while handling one file or resource, kept with it so the others go on. */
export function internalErrorProblem(file: string, error: unknown): Problem {
  const message = error instanceof Error ? error.message : String(error);
  return { file, severity: 'error', code: 'internal-error', message: `internal error, please report it: ${JSON.stringify(message).slice(1, -1)}` };
}
