import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { ManualClock } from '@cascade/common/service';
import { SessionCookies } from './session-cookies.ts';
import type { Session } from './session-payload.ts';

const KEY = new TextEncoder().encode('x'.repeat(32));

/** An app that starts a 12-hour session on /start and says what /read finds, on a clock the test moves. */
function cookieApp(secure: boolean) {
  const clock = new ManualClock('2026-03-02T08:00:00Z');
  const cookies = new SessionCookies({ key: KEY, secure, clock });
  const app = new Hono();
  app.post('/start', async (c) => {
    const now = cookies.nowSeconds();
    const session: Session = { sub: 'ann', name: 'Ann', email: 'ann@example.com', role: 'viewer', csrf: 'c', iat: now, exp: now + 12 * 3600 };
    await cookies.writeSession(c, session);
    return c.body(null, 204);
  });
  app.get('/read', async (c) => c.json(await cookies.readSession(c)));
  app.post('/end', (c) => {
    cookies.clearSession(c);
    return c.body(null, 204);
  });
  return { app, clock };
}

const pair = (setCookie: string | null) => setCookie!.split(';')[0]!;

describe('SessionCookies', () => {
  it('sets an HttpOnly, SameSite=Lax cookie that lasts as long as the session, read back until it ends', async () => {
    const { app, clock } = cookieApp(false);
    const started = await app.request('/start', { method: 'POST' });
    const header = started.headers.get('set-cookie')!;
    expect(header).toMatch(/^cascade-session=[^;]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Lax$/);
    const read = async () => ((await (await app.request('/read', { headers: { cookie: pair(header) } })).json()) as { kind: string }).kind;
    expect(await read()).toBe('valid');
    await clock.advance(12 * 3_600_000 - 1000);
    expect(await read()).toBe('valid');
    await clock.advance(1000);
    expect(await read()).toBe('expired');
  });

  it('is Secure with the __Host- prefix off loopback, and cleared the same way', async () => {
    const { app } = cookieApp(true);
    const header = (await app.request('/start', { method: 'POST' })).headers.get('set-cookie')!;
    expect(header).toMatch(/^__Host-cascade-session=[^;]+; Max-Age=43200; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    expect(((await (await app.request('/read', { headers: { cookie: pair(header) } })).json()) as { kind: string }).kind).toBe('valid');
    // Without the prefix the browser would let another (insecure) origin on the host set it: not read at all.
    expect(((await (await app.request('/read', { headers: { cookie: pair(header).replace('__Host-', '') } })).json()) as { kind: string }).kind).toBe('absent');
    expect((await app.request('/end', { method: 'POST' })).headers.get('set-cookie')).toMatch(/^__Host-cascade-session=; Max-Age=0; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
  });

  it('reads an altered or foreign cookie as tampered', async () => {
    const { app } = cookieApp(false);
    const [name, value] = pair((await app.request('/start', { method: 'POST' })).headers.get('set-cookie')).split('=') as [string, string];
    const [payload, signature] = decodeURIComponent(value).split('.') as [string, string];
    const altered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'admin' })).toString('base64url');
    for (const cookie of [`${name}=${encodeURIComponent(`${altered}.${signature}`)}`, `${name}=${payload}`, `${name}=x`]) {
      expect(((await (await app.request('/read', { headers: { cookie } })).json()) as { kind: string }).kind).toBe('tampered');
    }
  });

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => new SessionCookies({ key: new Uint8Array(31), secure: true, clock: new ManualClock() })).toThrow(/32 bytes/);
  });
});
