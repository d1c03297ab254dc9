// The dashboard's two signed cookies: the session (who signed in, until when) and the short-lived sign-in flow
// (state, nonce and PKCE verifier), so any aggregator replica can finish a sign-in another began.
import type { Clock } from '@cascade/common/service';
import type { Context } from 'hono';
import { deleteCookie, getCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';
import { decodeFlow, decodeSession, encodePayload, type PayloadCheck, type Session, type SignInFlow } from './session-payload.ts';

/** How long a person has between leaving for the provider and coming back. */
export const SIGN_IN_FLOW_SECONDS = 10 * 60;

const SESSION_COOKIE = 'cascade-session';
const FLOW_COOKIE = 'cascade-signin';

/** What the cookies are made with. */
export interface SessionCookieOptions {
  /** The HMAC key (at least 32 bytes): `aggregator.auth.sessionKeyFile` or a random one per process. */
  key: Uint8Array;
  /** Secure cookies (with the `__Host-` prefix) unless the dashboard is served on loopback over http. */
  secure: boolean;
  clock: Clock;
}

/** Reads and writes the signed cookies; a cookie whose signature does not verify reads as `tampered`. */
export class SessionCookies {
  private readonly attributes: CookieOptions;

  constructor(private readonly options: SessionCookieOptions) {
    if (options.key.byteLength < 32) throw new TypeError('SessionCookies: the key must be at least 32 bytes');
    // HttpOnly: page scripts never see the session. Lax: sent when the provider redirects back, not on cross-site posts.
    this.attributes = options.secure ? { httpOnly: true, sameSite: 'Lax', path: '/', secure: true, prefix: 'host' } : { httpOnly: true, sameSite: 'Lax', path: '/' };
  }

  /** The session the request carries: absent, tampered (the signature does not verify), expired, malformed or valid. */
  async readSession(c: Context): Promise<PayloadCheck<Session> | { kind: 'absent' } | { kind: 'tampered' }> {
    const raw = await this.read(c, SESSION_COOKIE);
    if (raw === undefined) return { kind: 'absent' };
    if (raw === false) return { kind: 'tampered' };
    return decodeSession(raw, this.nowSeconds());
  }

  /** Starts a session for `session` (its `exp` decides the cookie's lifetime). */
  async writeSession(c: Context, session: Session): Promise<void> {
    await setSignedCookie(c, SESSION_COOKIE, encodePayload('session', session), this.options.key, { ...this.attributes, maxAge: Math.max(0, session.exp - this.nowSeconds()) });
  }

  /** Ends the session in this browser. */
  clearSession(c: Context): void {
    deleteCookie(c, SESSION_COOKIE, this.attributes);
  }

  /** The sign-in flow the request carries, if it is intact and current. */
  async readFlow(c: Context): Promise<PayloadCheck<SignInFlow> | { kind: 'absent' } | { kind: 'tampered' }> {
    const raw = await this.read(c, FLOW_COOKIE);
    if (raw === undefined) return { kind: 'absent' };
    if (raw === false) return { kind: 'tampered' };
    return decodeFlow(raw, this.nowSeconds());
  }

  /** Remembers a sign-in flow in the browser for SIGN_IN_FLOW_SECONDS. */
  async writeFlow(c: Context, flow: Omit<SignInFlow, 'exp'>): Promise<void> {
    const value = encodePayload('flow', { ...flow, exp: this.nowSeconds() + SIGN_IN_FLOW_SECONDS });
    await setSignedCookie(c, FLOW_COOKIE, value, this.options.key, { ...this.attributes, maxAge: SIGN_IN_FLOW_SECONDS });
  }

  /** Forgets the sign-in flow: a code can be exchanged once. */
  clearFlow(c: Context): void {
    deleteCookie(c, FLOW_COOKIE, this.attributes);
  }

  /** The current time in epoch seconds, from the injected clock. */
  nowSeconds(): number {
    return Math.floor(this.options.clock.now().getTime() / 1000);
  }

  /** The cookie's verified value; `false` for one that is there but does not verify (any shape), undefined without one. */
  private async read(c: Context, name: string): Promise<string | false | undefined> {
    const prefix = this.options.secure ? 'host' : undefined;
    if (getCookie(c, name, prefix) === undefined) return undefined;
    // Hono skips values that are not `value.signature` at all; those are tampered with too, not absent.
    return (await getSignedCookie(c, this.options.key, name, prefix)) ?? false;
  }
}
