import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { ServiceEnv } from '../http/context.ts';
import { HttpError } from '../http/http-error.ts';
import { createErrorHandler } from '../http/on-error.ts';
import { captureLogger } from '../logger/logger.ts';
import { createAuth, type PersonAuthenticator } from './middleware.ts';
import type { Permission, Role } from './roles.ts';
import { PERMISSIONS, ROLES, roleAllows } from './roles.ts';
import { encodeOnBehalf, ON_BEHALF_HEADER } from './delegation.ts';
import { generateToken, hashToken, type Identity } from './tokens.ts';

const secrets = Object.fromEntries(ROLES.map((role) => [role, generateToken()])) as Record<Role, string>;
const tokens = ROLES.map((role) => ({ name: `${role}-token`, role, sha256: hashToken(secrets[role]) }));

function makeApp(anonymousRead = false) {
  const { logger, lines } = captureLogger();
  const auth = createAuth({ tokens, anonymousRead });
  const app = new Hono<ServiceEnv>();
  app.onError(createErrorHandler(logger));
  for (const permission of PERMISSIONS) {
    app.post(`/p/${permission}`, auth.requirePermission(permission), (c) => c.json({ author: c.get('identity')?.name }));
  }
  app.get('/ops', auth.requireRole('operator'), (c) => c.text('ok'));
  return { app, lines };
}

const call = (app: Hono<ServiceEnv>, path: string, token?: string) =>
  app.request(path, { method: path.startsWith('/p/') ? 'POST' : 'GET', headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('role matrix', () => {
  const expected: Record<Role, Permission[]> = {
    viewer: ['read'],
    ci: ['read', 'versions:write', 'stagings:write', 'repo:refresh'],
    // operator pushes versions too (a hotfix into prod); where ci may push is the aggregator's rule, not the matrix.
    operator: ['read', 'versions:write', 'stagings:write', 'repo:refresh', 'locks:write', 'rollbacks:write', 'promotions:write'],
    admin: [...PERMISSIONS],
  };
  for (const role of ROLES) {
    it(`${role} gets exactly its permissions over HTTP`, async () => {
      const { app } = makeApp();
      for (const permission of PERMISSIONS) {
        const res = await call(app, `/p/${permission}`, secrets[role]);
        const allowed = expected[role].includes(permission);
        expect([permission, res.status]).toEqual([permission, allowed ? 200 : 403]);
        expect(roleAllows(role, permission)).toBe(allowed);
        if (allowed) expect(await res.json()).toEqual({ author: `${role}-token` });
      }
    });
  }
});

describe('createAuth', () => {
  it('answers 401 with a challenge for a missing, malformed or unknown token, never echoing it', async () => {
    const { app, lines } = makeApp();
    for (const header of [undefined, 'Basic abc', 'Bearer cascade_wrongtoken']) {
      const res = await app.request('/p/read', { method: 'POST', headers: header ? { authorization: header } : {} });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      const body = await res.text();
      expect(body).not.toContain('wrongtoken');
      expect(JSON.parse(body).error.code).toBe('unauthorized');
    }
    expect(JSON.stringify(lines)).not.toContain('wrongtoken');
  });

  it('answers 403 naming the role when the token lacks the permission', async () => {
    const res = await call(makeApp().app, '/p/locks:write', secrets.ci);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error: { code: 'forbidden', message: 'role ci may not use locks:write', details: { role: 'ci' } },
    });
  });

  it('lets anonymous requests read when anonymousRead is on, but nothing else, and still refuses bad tokens', async () => {
    const { app } = makeApp(true);
    expect(await (await call(app, '/p/read')).json()).toEqual({ author: 'anonymous' });
    expect((await call(app, '/p/locks:write')).status).toBe(401);
    expect((await call(app, '/p/read', 'cascade_wrong')).status).toBe(401);
  });

  it('requireRole admits the listed roles and admin', async () => {
    const { app } = makeApp();
    expect((await call(app, '/ops', secrets.operator)).status).toBe(200);
    expect((await call(app, '/ops', secrets.admin)).status).toBe(200);
    expect((await call(app, '/ops', secrets.ci)).status).toBe(403);
  });

  it('checks its options when created', () => {
    expect(() => createAuth({ tokens: [{ name: 'x', role: 'ci', sha256: 'abc' }] })).toThrow(/64 hex/);
    expect(() => createAuth({ tokens }).requirePermission('nope' as Permission)).toThrow(TypeError);
  });
});

describe('tokens', () => {
  it('generates distinct prefixed tokens and hashes them to sha256 hex', () => {
    const a = generateToken();
    expect(a).toMatch(/^cascade_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(generateToken());
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('createAuth with people', () => {
  const person = (csrfToken?: string): Identity => ({ name: 'Ann Example', role: 'operator', anonymous: false, person: { email: 'ann@example.com', via: csrfToken ? 'oidc' : 'proxy', ...(csrfToken ? { csrfToken } : {}) } });
  const peopleApp = (ways: PersonAuthenticator[], anonymousRead = false) => {
    const { logger } = captureLogger();
    const auth = createAuth({ tokens, anonymousRead, people: ways, trustedOrigins: ['https://cascade.example.com'] });
    const app = new Hono<ServiceEnv>();
    app.onError(createErrorHandler(logger));
    app.get('/read', auth.requirePermission('read'), (c) => c.json({ name: auth.identify(c).name }));
    app.post('/lock', auth.requirePermission('locks:write'), (c) => c.json({ name: auth.identify(c).name }));
    app.get('/unguarded', (c) => c.json({ name: auth.identify(c).name }));
    return app;
  };
  const cookieWay = (identity: Identity | 'refuse' | undefined): PersonAuthenticator => ({
    identify: async () => {
      if (identity === 'refuse') throw new HttpError(401, 'session-expired', 'your dashboard session has ended; sign in again');
      return identity;
    },
  });

  it('tries people after the bearer token, which always wins', async () => {
    const app = peopleApp([cookieWay(person('t'))]);
    expect(await (await app.request('/read')).json()).toEqual({ name: 'Ann Example' });
    expect(await (await app.request('/read', { headers: { authorization: `Bearer ${secrets.viewer}` } })).json()).toEqual({ name: 'viewer-token' });
    // A wrong token is refused even though a person is there: the caller meant the token.
    expect((await app.request('/read', { headers: { authorization: 'Bearer cascade_wrong' } })).status).toBe(401);
  });

  it('falls through to the next way and to anonymous, and refuses what a way refuses', async () => {
    expect(await (await peopleApp([cookieWay(undefined), cookieWay(person())]).request('/read')).json()).toEqual({ name: 'Ann Example' });
    expect(await (await peopleApp([cookieWay(undefined)], true).request('/read')).json()).toEqual({ name: 'anonymous' });
    expect((await peopleApp([cookieWay(undefined)]).request('/read')).status).toBe(401);
    const refused = await peopleApp([cookieWay('refuse')], true).request('/read');
    expect([refused.status, ((await refused.json()) as { error: { code: string } }).error.code]).toEqual([401, 'session-expired']);
  });

  it('lets a cookie write through only from our own origin with the session token', async () => {
    const app = peopleApp([cookieWay(person('csrf-1'))]);
    const lock = (headers: Record<string, string>) => app.request('http://cascade.internal/lock', { method: 'POST', headers: { host: 'cascade.internal:7400', ...headers } });
    expect((await lock({ origin: 'http://cascade.internal:7400', 'x-cascade-csrf': 'csrf-1' })).status).toBe(200);
    expect((await lock({ origin: 'https://cascade.example.com', 'x-cascade-csrf': 'csrf-1' })).status).toBe(200);
    const crossSite = await lock({ origin: 'https://evil.example', 'x-cascade-csrf': 'csrf-1' });
    expect([crossSite.status, ((await crossSite.json()) as { error: { code: string } }).error.code]).toEqual([403, 'cross-site-request']);
    expect((await lock({ origin: 'http://cascade.internal:7400' })).status).toBe(403);
    expect((await lock({ 'x-cascade-csrf': 'csrf-1' })).status).toBe(403);
    // A bearer token needs none of this: browsers never send it by themselves.
    expect((await lock({ authorization: `Bearer ${secrets.operator}`, origin: 'https://evil.example' })).status).toBe(200);
  });

  it('refuses to guess the caller of an unguarded route when people are configured', async () => {
    expect((await peopleApp([cookieWay(person())]).request('/unguarded')).status).toBe(500);
  });
});

describe('a delegating token', () => {
  const peer = generateToken();
  const entries = [...tokens, { name: 'cascade-aggregator', role: 'operator' as const, sha256: hashToken(peer), delegate: true }];
  const app = new Hono<ServiceEnv>();
  const { logger } = captureLogger();
  const auth = createAuth({ tokens: entries });
  app.onError(createErrorHandler(logger));
  app.post('/run', auth.requirePermission('promotions:write'), (c) => c.json(c.get('identity')));
  const person: Identity = { name: 'Ann Example', role: 'admin', anonymous: false, person: { email: 'ann@example.com', via: 'proxy' } };
  const run = (token: string, onBehalf?: string) => app.request('/run', { method: 'POST', headers: { authorization: `Bearer ${token}`, ...(onBehalf === undefined ? {} : { [ON_BEHALF_HEADER]: onBehalf }) } });

  it('acts for the person it names, within its own role, without the browser checks a cookie write needs', async () => {
    const res = await run(peer, encodeOnBehalf(person));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: 'Ann Example', role: 'operator', anonymous: false, person: { email: 'ann@example.com', via: 'proxy' }, delegatedBy: 'cascade-aggregator' });
  });

  it('is itself without the header, and a token without delegate: true may not name anybody', async () => {
    expect(await (await run(peer)).json()).toMatchObject({ name: 'cascade-aggregator', role: 'operator' });
    const refused = await run(secrets.admin, encodeOnBehalf(person));
    expect([refused.status, ((await refused.json()) as { error: { code: string } }).error.code]).toEqual([403, 'delegation-refused']);
    const garbled = await run(peer, 'garbage');
    expect(garbled.status).toBe(400);
  });
});
