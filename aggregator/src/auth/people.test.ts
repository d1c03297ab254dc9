// People through a real socket: a trusted proxy's headers (believed only from its address) and OIDC session cookies
// (signed with the session key file), each writing commits under the person's name, and refused from other origins.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuth, generateToken, hashToken, serve, type Identity, type ServerHandle, type ServiceEnv } from '@cascade/common/service';
import { Hono } from 'hono';
import { sessionCookieValue, startHarness, type Harness } from '../testing/harness.ts';
import { encodePayload, type Session } from './session-payload.ts';

/** The author, committer-free, and trailers of the branch's newest commit. */
async function newestCommit(h: Harness): Promise<{ author: string; message: string }> {
  const [author = '', ...message] = (await h.fx.git('log', '-1', '--format=%an <%ae>%n%B', 'main')).split('\n');
  return { author, message: message.join('\n') };
}

describe('a trusted auth proxy', () => {
  let trusted: Harness;
  let untrusted: Harness;
  const proxy = (ranges: string) => [`proxy: { trustedProxies: [${ranges}], roles: { operator: [release-managers], viewer: [qa] } }`, 'contact: "#platform on Slack"'];
  beforeAll(async () => {
    // Loopback is the proxy here: the test's own requests come from 127.0.0.1.
    trusted = await startHarness({ auth: proxy('127.0.0.1/32, "::1"') });
    untrusted = await startHarness({ auth: proxy('10.0.0.0/8') });
  });
  afterAll(async () => {
    await trusted?.cleanup();
    await untrusted?.cleanup();
  });

  const asPerson = (h: Harness, path: string, init: { method?: string; groups?: string; body?: unknown; origin?: string } = {}) =>
    fetch(`${h.aggregator.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        'x-auth-request-email': 'ann@example.com',
        'x-auth-request-groups': init.groups ?? 'qa,release-managers',
        'x-auth-request-preferred-username': 'Ann Example',
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.origin === undefined ? {} : { origin: init.origin }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });

  it('ignores the headers from any other address: the request is anonymous', async () => {
    const res = await asPerson(untrusted, '/api/v1/whoami');
    expect(res.status).toBe(401);
    const lock = await asPerson(untrusted, '/api/v1/locks', { method: 'POST', body: { env: 'dev', reason: 'freeze' }, origin: untrusted.aggregator.url });
    expect(lock.status).toBe(401);
  });

  it('gives the mapped role from a trusted address, the highest of the groups', async () => {
    expect(await (await asPerson(trusted, '/api/v1/whoami')).json()).toEqual({
      name: 'Ann Example',
      role: 'operator',
      anonymous: false,
      permissions: ['read', 'versions:write', 'stagings:write', 'repo:refresh', 'locks:write', 'rollbacks:write', 'promotions:write'],
      person: { email: 'ann@example.com', via: 'proxy', passedOn: false },
    });
    expect(await (await asPerson(trusted, '/api/v1/whoami', { groups: 'qa' })).json()).toMatchObject({ role: 'viewer' });
  });

  it('refuses a person none of whose groups gives access, naming whom to ask', async () => {
    const res = await asPerson(trusted, '/api/v1/whoami', { groups: 'marketing' });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('no-access');
    expect(body.error.message).toContain('#platform on Slack');
  });

  it('commits a lock under the person, and refuses the same write from another origin', async () => {
    const before = await trusted.remoteCommits();
    const crossSite = await asPerson(trusted, '/api/v1/locks', { method: 'POST', body: { env: 'dev', reason: 'freeze' }, origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(await trusted.remoteCommits()).toEqual(before);
    const lock = await asPerson(trusted, '/api/v1/locks', { method: 'POST', body: { env: 'dev', reason: 'release freeze' }, origin: trusted.aggregator.url });
    expect(lock.status).toBe(201);
    const commit = await newestCommit(trusted);
    expect(commit.author).toBe('Ann Example <ann@example.com>');
    expect(commit.message).toContain('Cascade-Requested-By: ann@example.com');
    // The history shows the person as the author.
    await trusted.aggregator.refresh();
    const history = (await (await asPerson(trusted, '/api/v1/history?limit=1')).json()) as { entries: Array<{ author: { name: string; email: string } }> };
    expect(history.entries[0]?.author).toEqual({ name: 'Ann Example', email: 'ann@example.com' });
  });

  it('lets a bearer token win over the headers', async () => {
    const res = await fetch(`${trusted.aggregator.url}/api/v1/whoami`, { headers: { authorization: `Bearer ${trusted.tokens.ci}`, 'x-auth-request-email': 'ann@example.com', 'x-auth-request-groups': 'release-managers' } });
    expect(await res.json()).toMatchObject({ name: 'ci-bot', role: 'ci' });
  });
});

describe('OIDC session cookies', () => {
  let h: Harness;
  let dir: string;
  const key = 'k'.repeat(48);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cascade-session-key-'));
    await writeFile(join(dir, 'session.key'), `${key}\n`);
    await chmod(join(dir, 'session.key'), 0o600);
    h = await startHarness({
      auth: [
        `sessionKeyFile: ${JSON.stringify(join(dir, 'session.key'))}`,
        // Nobody answers there: the session cookie is all these tests use, and discovery waits for the first sign-in.
        'oidc: { issuer: "http://127.0.0.1:9/", clientId: cascade, redirectUrl: "http://127.0.0.1:7400/auth/callback", roles: { operator: [release-managers] } }',
      ],
    });
  });
  afterAll(async () => {
    await h?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  const now = () => Math.floor(Date.now() / 1000);
  const session = (change: Partial<Session> = {}): Session => ({ sub: 'ann', name: 'Ann Example', email: 'ann@example.com', role: 'operator', csrf: 'csrf-of-ann', iat: now(), exp: now() + 3600, ...change });
  /** A cookie as the aggregator would set it, signed with `signingKey`. */
  const cookie = async (value: Session, signingKey = key) => `cascade-session=${await sessionCookieValue(value, signingKey)}`;
  const withCookie = async (path: string, cookieHeader: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
    fetch(`${h.aggregator.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { cookie: cookieHeader, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });

  it('says who the session is, with the CSRF token the dashboard must echo', async () => {
    const res = await withCookie('/api/v1/whoami', await cookie(session()));
    expect(await res.json()).toMatchObject({ name: 'Ann Example', role: 'operator', person: { email: 'ann@example.com', via: 'oidc' }, csrfToken: 'csrf-of-ann' });
  });

  it('refuses an expired session, a tampered cookie and one signed with another key', async () => {
    const expired = await withCookie('/api/v1/whoami', await cookie(session({ iat: now() - 7200, exp: now() - 1 })));
    expect([expired.status, ((await expired.json()) as { error: { code: string } }).error.code]).toEqual([401, 'session-expired']);
    const good = await cookie(session());
    const [name, value] = good.split('=') as [string, string];
    const [payload, signature] = decodeURIComponent(value).split('.') as [string, string];
    // An admin role written into the payload, the signature kept.
    const tampered = `${name}=${encodeURIComponent(`${encodePayload('session', session({ role: 'admin' }))}.${signature}`)}`;
    for (const bad of [tampered, await cookie(session(), 'another key of enough length, 32+ bytes'), `${name}=${payload}`, `${name}=garbage`]) {
      const res = await withCookie('/api/v1/whoami', bad);
      expect([bad.slice(0, 20), res.status]).toEqual([bad.slice(0, 20), 401]);
    }
  });

  it('commits a write as the person, only from our origin with the CSRF header', async () => {
    const ann = await cookie(session());
    const before = await h.remoteCommits();
    const lock = { method: 'POST', body: { env: 'prod', reason: 'release freeze' } };
    expect((await withCookie('/api/v1/locks', ann, { ...lock, headers: { origin: 'https://evil.example', 'x-cascade-csrf': 'csrf-of-ann' } })).status).toBe(403);
    expect((await withCookie('/api/v1/locks', ann, { ...lock, headers: { origin: h.aggregator.url } })).status).toBe(403);
    expect((await withCookie('/api/v1/locks', ann, { ...lock, headers: { origin: h.aggregator.url, 'x-cascade-csrf': 'csrf-of-bob' } })).status).toBe(403);
    expect(await h.remoteCommits()).toEqual(before);
    const done = await withCookie('/api/v1/locks', ann, { ...lock, headers: { origin: h.aggregator.url, 'x-cascade-csrf': 'csrf-of-ann' } });
    expect(done.status).toBe(201);
    expect((await newestCommit(h)).author).toBe('Ann Example <ann@example.com>');
  });

  it('does not let a person name another author, and passes no session on to the transitioner', async () => {
    const ann = await cookie(session());
    const headers = { origin: h.aggregator.url, 'x-cascade-csrf': 'csrf-of-ann' };
    const push = await withCookie('/api/v1/versions', ann, { method: 'POST', body: { resource: 'shop/cart', version: '9.9.9', env: 'latest', author: { name: 'Bob', email: 'bob@example.com' } }, headers });
    expect([push.status, ((await push.json()) as { error: { code: string } }).error.code]).toEqual([403, 'author-not-allowed']);
    const promote = await withCookie('/api/v1/promotions', ann, { method: 'POST', body: { transition: 'dev' }, headers });
    expect([promote.status, ((await promote.json()) as { error: { code: string } }).error.code]).toEqual([403, 'token-required']);
  });

  it('tells the dashboard that OIDC sign-in is offered, and signs out only from our origin', async () => {
    expect(await (await fetch(`${h.aggregator.url}/api/v1/sign-in`)).json()).toEqual({ oidc: true });
    const ann = await cookie(session());
    expect((await withCookie('/auth/logout', ann, { method: 'POST', headers: { origin: 'https://evil.example' } })).status).toBe(403);
    const out = await withCookie('/auth/logout', ann, { method: 'POST', headers: { origin: h.aggregator.url } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^cascade-session=; Max-Age=0; .*HttpOnly; SameSite=Lax/);
  });

  it('answers a sign-in with the provider down by a page saying so', async () => {
    const res = await fetch(`${h.aggregator.url}/auth/login`, { redirect: 'manual' });
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('cannot be reached');
  });
});

describe('a signed-in person passed on to the transitioner', () => {
  let h: Harness;
  let dir: string;
  let transitioner: ServerHandle;
  const key = 'p'.repeat(48);
  const peerToken = generateToken();
  const peerEntry = { name: 'cascade-aggregator', role: 'operator' as const, sha256: hashToken(peerToken), delegate: true };
  const seen: Identity[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cascade-peer-token-'));
    await writeFile(join(dir, 'session.key'), key);
    await writeFile(join(dir, 'peer.token'), `${peerToken}\n`);
    for (const file of ['session.key', 'peer.token']) await chmod(join(dir, file), 0o600);
    // A stand-in transitioner checking callers as the real one does: against the same token list.
    const app = new Hono<ServiceEnv>();
    const auth = createAuth({ tokens: [peerEntry] });
    app.post('/transitions/:name/run', auth.requirePermission('promotions:write'), (c) => {
      seen.push(c.get('identity')!);
      return c.json({ kind: 'Skipped', reason: { kind: 'TargetLocked', reasons: ['freeze'] } });
    });
    transitioner = await serve(app, '127.0.0.1:0');
    h = await startHarness({
      transitionerUrl: transitioner.url,
      extraTokens: [`{ name: ${peerEntry.name}, role: operator, sha256: ${peerEntry.sha256}, delegate: true }`],
      auth: [
        `sessionKeyFile: ${JSON.stringify(join(dir, 'session.key'))}`,
        `peerTokenFile: ${JSON.stringify(join(dir, 'peer.token'))}`,
        'oidc: { issuer: "http://127.0.0.1:9/", clientId: cascade, redirectUrl: "http://127.0.0.1:7400/auth/callback", roles: { admin: [root], operator: [release-managers] } }',
      ],
    });
  });
  afterAll(async () => {
    await h?.cleanup();
    await transitioner?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const now = () => Math.floor(Date.now() / 1000);
  const cookieOf = async (session: Partial<Session>) =>
    `cascade-session=${await sessionCookieValue({ sub: 'ann', name: 'Ann Example', email: 'ann@example.com', role: 'operator', csrf: 'csrf-of-ann', iat: now(), exp: now() + 3600, ...session }, key)}`;
  const promote = async (cookie: string) =>
    fetch(`${h.aggregator.url}/api/v1/promotions`, { method: 'POST', headers: { cookie, origin: h.aggregator.url, 'x-cascade-csrf': 'csrf-of-ann', 'content-type': 'application/json' }, body: JSON.stringify({ transition: 'dev' }) });

  it('runs a promotion as the person, with the aggregator vouching through its delegating token', async () => {
    const res = await promote(await cookieOf({}));
    expect(res.status).toBe(200);
    expect(seen.at(-1)).toMatchObject({ name: 'Ann Example', role: 'operator', person: { email: 'ann@example.com', via: 'oidc' }, delegatedBy: 'cascade-aggregator' });
  });

  it('never lifts a person above the delegating token: an admin session acts as operator there', async () => {
    const res = await promote(await cookieOf({ role: 'admin' }));
    expect(res.status).toBe(200);
    expect(seen.at(-1)).toMatchObject({ name: 'Ann Example', role: 'operator' });
  });
});
