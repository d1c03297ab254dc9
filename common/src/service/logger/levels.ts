// Log levels and formats apart from the logger, so reading the config does not load the logging library.

/** Log levels, least to most severe. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** A log level name. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** How lines are written: JSON lines for machines, `time level msg key=value` for a terminal. */
export type LogFormat = 'json' | 'text';
