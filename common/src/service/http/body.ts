// Inputs are validated at the edge: request bodies are bounded in size and must be JSON where JSON is expected.
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HttpError } from './http-error.ts';

/** Default request body limit: large enough for a version push with a long changelog, small enough to stay harmless. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Middleware refusing bodies over `maxBytes` with 413 `body-too-large`. */
export function limitBody(maxBytes: number): MiddlewareHandler {
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) throw new TypeError(`limitBody: maxBytes must be a positive integer`);
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new HttpError(413, 'body-too-large', `request body is larger than ${maxBytes} bytes`, { maxBytes });
    },
  });
}

/** Reads a JSON request body: 415 `unsupported-media-type` unless the content type is JSON, 400 `invalid-json` if it does not parse. */
export async function readJson(c: Context): Promise<unknown> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(type)) {
    throw new HttpError(415, 'unsupported-media-type', 'request body must be application/json');
  }
  const text = await c.req.text();
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(400, 'invalid-json', `request body is not valid JSON: ${(error as Error).message}`);
  }
}
