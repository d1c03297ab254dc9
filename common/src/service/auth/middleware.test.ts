import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { ServiceEnv } from '../http/context.ts';
import { createErrorHandler } from '../http/on-error.ts';
import { captureLogger } from '../logger/logger.ts';
import { createAuth } from './middleware.ts';
import type { Permission, Role } from './roles.ts';
import { PERMISSIONS, ROLES, roleAllows } from './roles.ts';
import { generateToken, hashToken } from './tokens.ts';

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
