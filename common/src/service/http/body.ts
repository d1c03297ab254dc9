// Inputs are validated at the edge: request bodies are bounded in size and must be JSON where JSON is expected.
import { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HttpError } from './http-error.ts';

/** Default request body limit: large enough for a version push with a long changelog, small enough to stay harmless. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Middleware refusing bodies over `maxBytes` with 413 `body-too-large`. A request the node server hands over has its
 * body read from the socket stream, bounded, and handed to the request's body cache, which `c.req.json()`, the schema
 * validators and `readJson` read from: asking the request for its body stream would first build a whole fetch
 * `Request` around the socket stream, which cost a version push more than its JSON.
 */
export function limitBody(maxBytes: number): MiddlewareHandler {
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) throw new TypeError(`limitBody: maxBytes must be a positive integer`);
  const tooLarge = (): never => {
    throw new HttpError(413, 'body-too-large', `request body is larger than ${maxBytes} bytes`, { maxBytes });
  };
  const webLimit = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
    if (!(incoming instanceof IncomingMessage)) return webLimit(c, next);
    // HTTP/1.1 framing: a request has a body only when it says how it is framed.
    const length = incoming.headers['content-length'];
    if (length === undefined && incoming.headers['transfer-encoding'] === undefined) return next();
    if (length !== undefined && Number(length) > maxBytes) tooLarge();
    // The body is read when a handler asks for it, after the route's checks (its token), as the request's own stream
    // would be. The parser holds a declared length to that length; a chunked body can still pass the bound while it
    // is read, and a reader that answers every failure its own way (a validator's "malformed JSON") must not hide
    // that: the answer is 413 whatever the handler made of it.
    let overflowed = false;
    fillBodyCache(c, once(() => readBounded(incoming, maxBytes, () => {
      overflowed = true;
      return tooLarge();
    })));
    await next();
    if (overflowed) tooLarge();
  };
}

/**
 * Gives the request's body cache the bytes and the text, each made on first use. The cache holds promises, though
 * hono types its entries as values. The bytes first: a body asked for in a form the cache lacks (a blob, form data) is
 * made from the first entry, and bytes are exact where text may not be.
 */
function fillBodyCache(c: Context, read: () => Promise<Buffer>): void {
  const cache = c.req.bodyCache as Record<string, unknown>;
  const lazy = (key: string, make: () => Promise<unknown>) => {
    const value = once(make);
    Object.defineProperty(cache, key, { get: value, enumerable: true, configurable: true });
  };
  lazy('arrayBuffer', async () => {
    const bytes = await read();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  });
  // UTF-8, a byte order mark dropped, as fetch's `text()` reads a body.
  lazy('text', async () => UTF8.decode(await read()));
}

/** `make`'s result, made on the first call and the same on every later one. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

/** The body of a request, refused past `maxBytes`. */
async function readBounded(incoming: IncomingMessage, maxBytes: number, tooLarge: () => never): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    size += (chunk as Buffer).byteLength;
    if (size > maxBytes) tooLarge();
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}

const UTF8 = new TextDecoder();

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
