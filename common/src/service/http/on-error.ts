// The one HTTP error path: every thrown error becomes `{ error: { code, message, details } }`, internals never leak.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from '../logger/logger.ts';
import type { ServiceEnv } from './context.ts';
import type { ErrorBody } from './http-error.ts';
import { HttpError } from './http-error.ts';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  413: 'body-too-large',
  415: 'unsupported-media-type',
};

/** Turns a failure a service knows (its own error classes) into the answer a client gets; undefined for any other error. */
export type ErrorMapper = (error: Error) => HttpError | undefined;

/**
 * Builds the app's `onError`: HttpError as given, what `mapError` knows as it says, Hono's HTTPException by status,
 * anything else a logged 500. Handlers only throw; this is the one place errors become answers.
 */
export function createErrorHandler(fallbackLogger: Logger, mapError?: ErrorMapper) {
  return (error: Error, c: Context<ServiceEnv>): Response => {
    const logger = c.get('logger') ?? fallbackLogger;
    const known = error instanceof HttpError ? error : mapError?.(error);
    if (known) {
      return respond(c, known.status, { code: known.code, message: known.message, details: known.details });
    }
    if (error instanceof HTTPException && error.status < 500) {
      return respond(c, error.status, { code: CODE_BY_STATUS[error.status] ?? 'bad-request', message: error.message || 'bad request' });
    }
    logger.error('request failed', { error, method: c.req.method, path: c.req.path });
    return respond(c, 500, { code: 'internal', message: 'internal error', details: { requestId: c.get('requestId') } });
  };
}

/** The 404 for unknown routes, in the same shape as every other error. */
export function notFound(c: Context<ServiceEnv>): Response {
  return respond(c, 404, { code: 'not-found', message: `no route for ${c.req.method} ${c.req.path}` });
}

function respond(c: Context, status: number, error: ErrorBody['error']): Response {
  const body: ErrorBody = { error: error.details === undefined ? { code: error.code, message: error.message } : error };
  const headers: Record<string, string> = {};
  if (status === 401) headers['www-authenticate'] = 'Bearer realm="cascade"';
  return c.json(body, status as ContentfulStatusCode, headers);
}
