// The one logger: pino writing structured lines to an injectable sink, child loggers with bound fields, secrets redacted on the way out.
import { pino } from 'pino';
import type { Clock } from '../clock.ts';
import { systemClock } from '../clock.ts';
import { REDACTED, redact, SECRET_FIELD_NAMES } from './redact.ts';
import type { LogFormat, LogLevel } from './levels.ts';

export { LOG_LEVELS, type LogFormat, type LogLevel } from './levels.ts';

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
  /** Default: standard error, written without blocking (standardErrorSink). */
  sink?: LogSink;
  /** Source of timestamps; default the system clock. */
  clock?: Clock;
  /** Fields bound to every line. */
  fields?: LogFields;
}

// Fields pino writes itself; a field of the same name would duplicate them in the line.
const RESERVED = new Set(['time', 'level', 'msg']);

/** Creates the root logger of a process or a test. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const format = options.format ?? 'json';
  const sink = options.sink ?? standardErrorSink();
  const clock = options.clock ?? systemClock;
  const root = pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      messageKey: 'msg',
      timestamp: () => `,"time":"${clock.now().toISOString()}"`,
      formatters: {
        level: (label) => ({ level: label }),
        // The one redaction (secret-named keys at any depth, bearer credentials in text); the paths below are a second net.
        log: (object) => Object.fromEntries(Object.entries(redact(object) as LogFields).filter(([key]) => !RESERVED.has(key))),
      },
      redact: { paths: SECRET_FIELD_NAMES.flatMap((name) => [name, `*.${name}`]), censor: REDACTED },
    },
    { write: (line: string) => sink(format === 'json' ? line.trimEnd() : textLine(JSON.parse(line) as LogFields)) },
  );
  const make = (bound: LogFields): Logger => {
    const write = (level: LogLevel, message: string, fields?: LogFields) => {
      if (root.isLevelEnabled(level)) root[level]({ ...bound, ...fields }, message);
    };
    return {
      debug: (message, fields) => write('debug', message, fields),
      info: (message, fields) => write('info', message, fields),
      warn: (message, fields) => write('warn', message, fields),
      error: (message, fields) => write('error', message, fields),
      child: (fields) => make({ ...bound, ...fields }),
      isEnabled: (level) => root.isLevelEnabled(level),
    };
  };
  return make(options.fields ?? {});
}

let standardError: LogSink | undefined;

/**
 * Bytes of lines waiting for standard error beyond which new lines are dropped: a reader that never comes back (a
 * stuck collector) would otherwise grow the buffer for as long as the service logs.
 */
const MAX_BUFFERED_LOG_BYTES = 16 * 1024 * 1024;

/**
 * Standard error, written asynchronously: Node writes to a pipe synchronously, so a line logged while the reader of
 * the pipe is slow or behind (a busy log collector, a full pipe) stalled the whole service in the middle of a
 * request or a pass. Lines logged while a write is under way go out together with the next one; what is still
 * buffered when the process exits is written then (pino's destination flushes on exit); past
 * MAX_BUFFERED_LOG_BYTES waiting, new lines are dropped rather than held. One per process, so the
 * lines of several loggers (the services of `cascade up`) stay whole and in order.
 */
function standardErrorSink(): LogSink {
  if (standardError === undefined) {
    const destination = pino.destination({ dest: 2, sync: false, maxLength: MAX_BUFFERED_LOG_BYTES });
    standardError = (line) => void destination.write(line + '\n');
  }
  return standardError;
}

/** A logger that drops everything, for code paths that must take a logger but whose output nobody wants. */
export const silentLogger: Logger = createLogger({ sink: () => {}, level: 'error' });

/** A test helper: a logger writing parsed JSON lines into `lines`. */
export function captureLogger(level: LogLevel = 'debug'): { logger: Logger; lines: LogFields[] } {
  const lines: LogFields[] = [];
  const logger = createLogger({ level, sink: (line) => lines.push(JSON.parse(line) as LogFields) });
  return { logger, lines };
}

/** `time LEVEL message key=value …` from the JSON line pino wrote. */
function textLine(line: LogFields): string {
  const { time, level, msg, ...data } = line;
  const pairs = Object.entries(data).map(([key, value]) => `${key}=${textValue(value)}`);
  return [String(time), String(level).toUpperCase().padEnd(5), String(msg ?? '').replace(/\n/g, '\\n'), ...pairs].join(' ');
}

function textValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? 'undefined';
}
