// A JSON answer sent as the pieces it is kept in: a large status kept per environment goes out without being joined
// into one copy per request, so many requests at once hold the pieces once.
import type { Context } from 'hono';

/** Answers `200` with the UTF-8 JSON `pieces` written one after the other, as they are, with its length and `headers`. */
export function jsonPiecesAnswer(c: Context, pieces: readonly Uint8Array[], headers: Record<string, string> = {}): Response {
  const length = pieces.reduce((sum, piece) => sum + piece.byteLength, 0);
  // A stream pulls one piece at a time, so a slow reader holds back the writing rather than a copy of the rest.
  return c.body(ReadableStream.from(pieces), 200, { ...headers, 'content-type': 'application/json', 'content-length': String(length) });
}
