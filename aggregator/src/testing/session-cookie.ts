// Session cookies as the aggregator sets them, for tests that start from a signed-in person (or a forged one).
import { generateSignedCookie } from 'hono/cookie';
import { encodePayload, type Session } from '../auth/session-payload.ts';

export type { Session };

/** The `cascade-session` cookie's value (as the browser stores it) for `session`, signed with `key` as the aggregator would. */
export async function sessionCookieValue(session: Session, key: string): Promise<string> {
  const header = await generateSignedCookie('cascade-session', encodePayload('session', session), new TextEncoder().encode(key));
  return header.slice('cascade-session='.length).split(';')[0]!;
}
