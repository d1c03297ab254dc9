// Refused requests: every refusal is a 400 `invalid-request` naming the field and what it must be, whether a schema
// or a handler refuses it.
import type { ServiceEnv } from '@cascade/common/service';
import { HttpError } from '@cascade/common/service';
import type { Hook, z } from '@hono/zod-openapi';

/** 400 `invalid-request` naming the field. */
export function invalid(field: string, message: string): HttpError {
  return new HttpError(400, 'invalid-request', `${field}: ${message}`, { field });
}

/** The field a zod issue is about, as a client wrote it: `fields.config.url`, `fields.list[1]`, `author.name`. */
function fieldOf(path: readonly PropertyKey[], whole: string): string {
  if (path.length === 0) return whole;
  return path.map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? String(key) : `.${String(key)}`)).join('');
}

/** The one refusal for a request that fails its schema: an unknown key first (as the body's shape is wrong), else the first issue. */
export function schemaRefusal(error: z.ZodError, target: string): HttpError {
  const issue = error.issues.find((candidate) => candidate.code === 'unrecognized_keys') ?? error.issues[0];
  if (!issue) return invalid(target, 'is invalid');
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, ...issue.keys.slice(0, 1)] : issue.path;
  return invalid(fieldOf(path, target === 'json' ? 'body' : target), issue.message);
}

/** The API's `defaultHook`: a request failing its schema is thrown to the one error handler, never answered here. */
export const validationHook: Hook<unknown, ServiceEnv, string, void> = (result) => {
  if (!result.success) throw schemaRefusal(result.error, result.target);
};
