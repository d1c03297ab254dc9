// What a dashboard session cookie holds, and the rules for reading one back: pure, no cookies and no keys here.
import { isRole, type Role } from '@cascade/common/service';

/** A signed-in person's session, as the signed cookie carries it. */
export interface Session {
  /** The provider's subject, unique per person at the issuer. */
  sub: string;
  /** The commit author's name. */
  name: string;
  /** The commit author's email. */
  email: string;
  role: Role;
  /** Random per session; every write echoes it in `X-Cascade-CSRF`. */
  csrf: string;
  /** When the session was made and when it ends, epoch seconds. */
  iat: number;
  exp: number;
}

/** What is kept between sending a person to the provider and their return, so any replica can finish the sign-in. */
export interface SignInFlow {
  state: string;
  nonce: string;
  /** The PKCE code verifier; only its hash went to the provider. */
  verifier: string;
  /** The dashboard page to return to (`#/…`), checked when the flow began. */
  returnTo: string;
  exp: number;
}

/** Reading a cookie's payload back. */
export type PayloadCheck<T> =
  /** Intact and current. */
  | { kind: 'valid'; value: T }
  /** Intact but past its end: sign in again. */
  | { kind: 'expired' }
  /** Not something Cascade wrote (with a valid signature, only an older Cascade could have). */
  | { kind: 'malformed' };

// The kind travels inside the signed payload, so a flow cookie can never be replayed as a session or the other way round.
type Kind = 'session' | 'flow';

/** Encodes a payload for a signed cookie: base64url JSON with its kind. */
export function encodePayload(kind: Kind, value: Session | SignInFlow): string {
  return Buffer.from(JSON.stringify({ kind, ...value }), 'utf8').toString('base64url');
}

/** Reads a session back from its (already signature-checked) cookie value, judged at `nowSeconds`. */
export function decodeSession(text: string, nowSeconds: number): PayloadCheck<Session> {
  const raw = decode(text, 'session');
  if (raw === undefined) return { kind: 'malformed' };
  const { sub, name, email, role, csrf, iat, exp } = raw;
  if (![sub, name, email, csrf].every((field) => typeof field === 'string' && field !== '') || !isRole(role) || !isTime(iat) || !isTime(exp)) return { kind: 'malformed' };
  if (exp <= nowSeconds) return { kind: 'expired' };
  return { kind: 'valid', value: { sub: sub as string, name: name as string, email: email as string, role, csrf: csrf as string, iat, exp } };
}

/** Reads a sign-in flow back from its (already signature-checked) cookie value, judged at `nowSeconds`. */
export function decodeFlow(text: string, nowSeconds: number): PayloadCheck<SignInFlow> {
  const raw = decode(text, 'flow');
  if (raw === undefined) return { kind: 'malformed' };
  const { state, nonce, verifier, returnTo, exp } = raw;
  if (![state, nonce, verifier, returnTo].every((field) => typeof field === 'string') || !isTime(exp)) return { kind: 'malformed' };
  if (exp <= nowSeconds) return { kind: 'expired' };
  return { kind: 'valid', value: { state: state as string, nonce: nonce as string, verifier: verifier as string, returnTo: returnTo as string, exp } };
}

function decode(text: string, kind: Kind): Record<string, unknown> | undefined {
  // Cookies are small; anything much larger was not written by Cascade and is not worth parsing.
  if (text.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const record = parsed as Record<string, unknown>;
    return record.kind === kind ? record : undefined;
  } catch {
    return undefined;
  }
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}
