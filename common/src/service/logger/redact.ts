// Secrets must never reach a log line, an error body or the API for non-admins; this is the one place that hides them.

/** What a redacted value is replaced with. */
export const REDACTED = '[redacted]';

/** Field names redacted by path as well (pino's `redact`); the pattern below catches every other spelling. */
export const SECRET_FIELD_NAMES = ['token', 'password', 'passwd', 'secret', 'authorization', 'Authorization', 'cookie', 'apiKey', 'api_key', 'credentials', 'privateKey', 'private_key'];

// Matched against the whole key, case-insensitively: `token`, `apiToken`, `x-api-key`, `Authorization`, `db_password`, …
const SECRET_KEY = /token|passw(or)?d|secret|authorization|cookie|api[-_]?key|credential|private[-_]?key|sha256/i;

// A bearer credential that slipped into a free-text string (an error message, a URL) is cut out too.
const BEARER_IN_TEXT = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;

const MAX_DEPTH = 8;

/** Tells whether a field named `key` holds a secret and must be redacted. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Returns a copy of `value` with secret-named keys replaced by `[redacted]`, bearer credentials cut out of strings, and errors made plain. */
export function redact(value: unknown): unknown {
  return redactValue(value, 0, new WeakSet());
}

function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return value.replace(BEARER_IN_TEXT, `$1 ${REDACTED}`);
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  seen.add(value);
  try {
    if (value instanceof Error) return redactValue(errorFields(value), depth, seen);
    if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen));
    // fromEntries defines own fields: a `__proto__` key from repo data stays a field, never the copy's prototype.
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, isSecretKey(key) ? REDACTED : redactValue(item, depth + 1, seen)]));
  } finally {
    seen.delete(value);
  }
}

/** The loggable parts of an error: its class name, message, stable `code` and cause; stacks are kept for debugging. */
function errorFields(error: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = { name: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) fields.code = code;
  if (error.stack) fields.stack = error.stack;
  if (error.cause !== undefined) fields.cause = error.cause;
  return fields;
}
