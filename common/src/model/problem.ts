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
}

/** Formats a problem as `file:line:col: severity: message`, the form editors and CI logs understand. */
export function formatProblem(p: Problem): string {
  const place = p.line === undefined ? p.file : `${p.file}:${p.line}:${p.col ?? 1}`;
  return `${place}: ${p.severity}: ${p.message}`;
}
