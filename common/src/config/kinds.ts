// The kinds of scalar values `cascade.yaml` holds, each checked the same way from YAML and from the environment.
import { isAbsolute, resolve } from 'node:path';
import { isSha256Hex } from '../service/auth/tokens.ts';
import { parseDuration } from '../model/duration.ts';
import { parseListen } from '../service/http/listen.ts';
import type { Check, ReadContext, ScalarKind } from './reader.ts';
import type { RepoTransport } from './types.ts';

/** A kind whose YAML value must be a string (numbers and booleans are refused: quote them). */
function stringKind<T>(check: (text: string, ctx: ReadContext) => Check<T>): ScalarKind<T> {
  return {
    fromYaml: (value, ctx) =>
      typeof value === 'string' ? check(value, ctx) : { error: `must be a string, got ${describe(value)} (quote it)`, code: 'wrong-type' },
    fromEnv: check,
  };
}

/** A non-empty string, optionally matching `pattern` (described by `what` in the error). */
export function text(pattern?: RegExp, what?: string): ScalarKind<string> {
  return stringKind<string>((value) => {
    if (value.trim() === '') return { error: 'must not be empty' };
    if (pattern && !pattern.test(value)) return { error: `must be ${what ?? `like ${pattern}`} (got ${JSON.stringify(value)})` };
    return { value };
  });
}

/** `true` or `false`. */
export const boolean: ScalarKind<boolean> = {
  fromYaml: (value) => (typeof value === 'boolean' ? { value } : { error: `must be true or false, got ${describe(value)}`, code: 'wrong-type' }),
  fromEnv: (value) => (value === 'true' ? { value: true } : value === 'false' ? { value: false } : { error: 'must be true or false' }),
};

/** One of a fixed set of strings. */
export function oneOf<T extends string>(values: readonly T[]): ScalarKind<T> {
  return stringKind<T>((value) =>
    (values as readonly string[]).includes(value) ? { value: value as T } : { error: `must be one of ${values.join(', ')}` },
  );
}

/** A duration like `10s`, `5m`, `1h30m`, read as milliseconds, at least `minMs`. */
export function duration(minMs: number, minText: string): ScalarKind<number> {
  const kind = stringKind<number>((value) => {
    const ms = parseDuration(value);
    if (ms === undefined) return { error: `must be a duration like 10s, 5m or 1h30m (got ${JSON.stringify(value)})` };
    if (ms < minMs) return { error: `must be at least ${minText}` };
    return { value: ms };
  });
  return {
    // A bare number is ambiguous (seconds? milliseconds?), so say which unit-ful form is wanted.
    fromYaml: (value, ctx) =>
      typeof value === 'number' ? { error: `must be a duration with a unit, like ${value}s or ${value}m`, code: 'wrong-type' } : kind.fromYaml(value, ctx),
    fromEnv: kind.fromEnv,
  };
}

/** A whole number from `min` to `max`, e.g. a count of processes. */
export function integerBetween(min: number, max: number): ScalarKind<number> {
  const check = (value: number): Check<number> =>
    Number.isInteger(value) && value >= min && value <= max ? { value } : { error: `must be a whole number from ${min} to ${max} (got ${value})` };
  return {
    fromYaml: (value) => (typeof value === 'number' ? check(value) : { error: `must be a whole number, got ${describe(value)}`, code: 'wrong-type' }),
    fromEnv: (value) => (/^\d+$/.test(value.trim()) ? check(Number(value)) : { error: `must be a whole number from ${min} to ${max}` }),
  };
}

/** A `host:port` listen address; any host is accepted because an explicit address is an explicit choice. */
export const listen: ScalarKind<string> = stringKind<string>((value) => {
  const parsed = parseListen(value);
  return 'error' in parsed ? { error: parsed.error } : { value: value.trim() };
});

/** An `http(s)://` base URL of another Cascade service, without a trailing slash. */
export const serviceUrl: ScalarKind<string> = stringKind<string>((value) => {
  const url = safeUrl(value);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return { error: `must be an http:// or https:// URL (got ${JSON.stringify(value)})` };
  if (url.username || url.password) return { error: 'must not contain credentials' };
  return { value: value.replace(/\/+$/, '') };
});

/** A file system path: `~` expands to the home directory, relative paths are relative to the config file. */
export const path: ScalarKind<string> = stringKind((value, ctx) => resolvePath(value, ctx));

/** The resource repo's location: a path (resolved like `path`) or a git URL, with its transport. */
export const repoUrl: ScalarKind<{ url: string; transport: RepoTransport }> = stringKind((value, ctx) => {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase();
  if (scheme) {
    const transports: Record<string, RepoTransport> = { file: 'file', ssh: 'ssh', git: 'git', https: 'https', http: 'http' };
    const transport = transports[scheme];
    const url = safeUrl(value);
    if (!transport || !url) return { error: `must be a path or a file://, ssh://, git://, http:// or https:// URL (got scheme ${scheme})` };
    // A password in the URL would end up in logs and process listings; git has credential helpers for that.
    if (url.password) return { error: 'must not contain a password; use a git credential helper or an SSH key' };
    return { value: { url: value, transport } };
  }
  if (/^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:/.test(value)) return { value: { url: value, transport: 'ssh' } };
  const resolved = resolvePath(value, ctx);
  return 'value' in resolved ? { value: { url: resolved.value, transport: 'path' } } : resolved;
});

/** A sha256 hex digest, lower-cased. */
export const sha256Hex: ScalarKind<string> = stringKind<string>((value) =>
  isSha256Hex(value) ? { value: value.toLowerCase() } : { error: 'must be the 64-digit sha256 hex of the token (cascade token hash)' },
);

function resolvePath(value: string, ctx: ReadContext): Check<string> {
  if (value.trim() === '') return { error: 'must not be empty' };
  if (value.includes('\0')) return { error: 'must not contain NUL bytes' };
  if (/^~[^/]/.test(value)) return { error: 'only ~ and ~/… are supported, not ~user' };
  const expanded = value === '~' ? ctx.home : value.startsWith('~/') ? ctx.home + value.slice(1) : value;
  return { value: isAbsolute(expanded) ? resolve(expanded) : resolve(ctx.baseDir, expanded) };
}

function safeUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return `${typeof value} ${JSON.stringify(value)}`;
}
