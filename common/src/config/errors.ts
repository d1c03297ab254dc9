// Configuration errors name the file, the line:col, the key path (or the environment variable) and what to change.

/** What is wrong with one configuration value. */
export type ConfigProblemCode =
  /** The file is not valid YAML (or has more than one document). */
  | 'yaml-syntax'
  /** Too many aliases: an alias bomb, or a file Cascade should not expand. */
  | 'yaml-aliases'
  /** A key Cascade does not know; usually a typo. */
  | 'unknown-key'
  /** A `CASCADE_…` environment variable that names no configuration key. */
  | 'unknown-env'
  /** A required key is absent. */
  | 'missing'
  /** A value of the wrong YAML type (a number where a string belongs, a list where a map belongs, …). */
  | 'wrong-type'
  /** A value of the right type that is not acceptable (bad duration, unknown role, malformed URL, …). */
  | 'invalid-value'
  /** The file cannot be read. */
  | 'unreadable'
  /** The file is over the size limit. */
  | 'too-large';

/** One problem in a configuration file or its environment overrides. */
export interface ConfigProblem {
  code: ConfigProblemCode;
  /** The configuration file. */
  file: string;
  /** 1-based line of the offending key or value, when it came from the file. */
  line?: number;
  /** 1-based column, with `line`. */
  col?: number;
  /** Key path, e.g. `aggregator.tokens[0].role`; empty for the whole document. */
  path: string;
  /** The environment variable the value came from, when it did. */
  env?: string;
  /** What is wrong, as a sentence a user can act on. */
  message: string;
}

/** Why a configuration could not be loaded, as a whole. */
export type ConfigErrorCode = 'config-invalid' | 'config-unreadable' | 'config-too-large';

/** Thrown by `loadConfig`/`parseConfig`; carries every problem found, not just the first. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly code: ConfigErrorCode,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(`${problems[0]?.file ?? 'configuration'}: ${problems.length} problem(s):\n${problems.map((p) => '  ' + formatConfigProblem(p)).join('\n')}`);
  }
}

/** Formats a problem as `file:line:col: path: message`, or `ENV_VAR (path): message` for an override. */
export function formatConfigProblem(problem: ConfigProblem): string {
  const path = problem.path ? `${problem.path}: ` : '';
  if (problem.env) return `environment ${problem.env}${problem.path ? ` (${problem.path})` : ''}: ${problem.message}`;
  const place = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}:${problem.col ?? 1}`;
  return `${place}: ${path}${problem.message}`;
}
