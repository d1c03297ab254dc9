// The one logger: structured lines to an injectable sink, child loggers with bound fields, secrets redacted on the way out.
import type { Clock } from '../clock.ts';
import { systemClock } from '../clock.ts';
import { redact } from './redact.ts';

/** Log levels, least to most severe. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** A log level name. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** How lines are written: JSON lines for machines, `time level msg key=value` for a terminal. */
export type LogFormat = 'json' | 'text';

/** Extra structured data of a log line; values are redacted before they are written. */
export type LogFields = Record<string, unknown>;

/** Receives each finished line (without a trailing newline); tests pass an array's `push`. */
export type LogSink = (line: string) => void;

/** The logger every Cascade component takes as an argument. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line, e.g. `{ service: 'deployer', env: 'dev' }`. */
  child(fields: LogFields): Logger;
  /** Whether lines of `level` are written; lets callers skip building expensive fields. */
  isEnabled(level: LogLevel): boolean;
}

/** Options of `createLogger`. */
export interface LoggerOptions {
  /** Lowest level written; default `info`. */
  level?: LogLevel;
  /** Default `json`. */
  format?: LogFormat;
  /** Default: one line per `process.stderr.write`. */
  sink?: LogSink;
  /** Source of timestamps; default the system clock. */
  clock?: Clock;
  /** Fields bound to every line. */
  fields?: LogFields;
}

/** Creates the root logger of a process or a test. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const minRank = LOG_LEVELS.indexOf(options.level ?? 'info');
  const format = options.format ?? 'json';
  const sink = options.sink ?? ((line: string) => void process.stderr.write(line + '\n'));
  const clock = options.clock ?? systemClock;

  const make = (bound: LogFields): Logger => {
    const write = (level: LogLevel, message: string, fields?: LogFields) => {
      if (LOG_LEVELS.indexOf(level) < minRank) return;
      const data = redact({ ...bound, ...fields }) as LogFields;
      const time = clock.now().toISOString();
      sink(format === 'json' ? jsonLine(time, level, message, data) : textLine(time, level, message, data));
    };
    return {
      debug: (message, fields) => write('debug', message, fields),
      info: (message, fields) => write('info', message, fields),
      warn: (message, fields) => write('warn', message, fields),
      error: (message, fields) => write('error', message, fields),
      child: (fields) => make({ ...bound, ...fields }),
      isEnabled: (level) => LOG_LEVELS.indexOf(level) >= minRank,
    };
  };
  return make(options.fields ?? {});
}

/** A logger that drops everything, for code paths that must take a logger but whose output nobody wants. */
export const silentLogger: Logger = createLogger({ sink: () => {}, level: 'error' });

/** A test helper: a logger writing parsed JSON lines into `lines`. */
export function captureLogger(level: LogLevel = 'debug'): { logger: Logger; lines: LogFields[] } {
  const lines: LogFields[] = [];
  const logger = createLogger({ level, sink: (line) => lines.push(JSON.parse(line) as LogFields) });
  return { logger, lines };
}

function jsonLine(time: string, level: LogLevel, message: string, data: LogFields): string {
  // Reserved keys come first and a field cannot overwrite them.
  const line: LogFields = { time, level, msg: message };
  for (const [key, value] of Object.entries(data)) if (!(key in line)) line[key] = value;
  return JSON.stringify(line);
}

function textLine(time: string, level: LogLevel, message: string, data: LogFields): string {
  const pairs = Object.entries(data).map(([key, value]) => `${key}=${textValue(value)}`);
  return [time, level.toUpperCase().padEnd(5), message.replace(/\n/g, '\\n'), ...pairs].join(' ');
}

function textValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? 'undefined';
}
