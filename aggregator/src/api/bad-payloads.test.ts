// Bad requests get a 4xx naming the field and commit nothing; values that look like YAML stay values.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rename } from 'node:fs/promises';
import { parse } from 'yaml';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.cleanup());

const CASES: Array<{ name: string; body: unknown; status: number; field?: string }> = [
  { name: 'missing resource', body: { version: '1' }, status: 400, field: 'resource' },
  { name: 'missing version', body: { resource: 'shop/cart' }, status: 400, field: 'version' },
  { name: 'version as a number', body: { resource: 'shop/cart', version: 1.2 }, status: 400, field: 'version' },
  { name: 'resource with ..', body: { resource: 'shop/../../etc', version: '1' }, status: 400, field: 'resource' },
  { name: 'absolute resource', body: { resource: '/etc/passwd', version: '1' }, status: 400, field: 'resource' },
  { name: 'upper-case resource', body: { resource: 'Shop', version: '1' }, status: 400, field: 'resource' },
  { name: 'env with a slash', body: { resource: 'shop/cart', version: '1', env: 'prod/x' }, status: 400, field: 'env' },
  { name: 'unknown environment', body: { resource: 'shop/cart', version: '1', env: 'qa' }, status: 404, field: 'env' },
  { name: 'version with a newline (YAML injection)', body: { resource: 'shop/cart', version: '1\nimage: evil' }, status: 400, field: 'version' },
  { name: 'fields not an object', body: { resource: 'shop/cart', version: '1', fields: [1] }, status: 400, field: 'fields' },
  { name: 'fields.version', body: { resource: 'shop/cart', version: '1', fields: { version: '2' } }, status: 400, field: 'fields.version' },
  { name: 'field key with YAML syntax', body: { resource: 'shop/cart', version: '1', fields: { 'a: b': 1 } }, status: 400, field: 'fields.a: b' },
  { name: 'unknown field', body: { resource: 'shop/cart', version: '1', replicas: 2 }, status: 400, field: 'replicas' },
  { name: 'changelog with control bytes', body: { resource: 'shop/cart', version: '1', changelog: 'a\u001eb' }, status: 400, field: 'changelog' },
  { name: 'author with angle brackets', body: { resource: 'shop/cart', version: '1', author: { name: 'x <y>', email: 'a@b' } }, status: 400, field: 'author.name' },
  { name: 'body is an array', body: [1], status: 400, field: 'body' },
];

describe('POST /versions with bad payloads', () => {
  for (const c of CASES) {
    it(`refuses ${c.name}`, async () => {
      const before = await h.remoteCommits();
      const res = await h.call('POST', '/api/v1/versions', { role: 'ci', body: c.body });
      expect(res.status).toBe(c.status);
      expect(((await res.json()) as { error: { details?: { field?: string } } }).error.details?.field).toBe(c.field);
      expect(await h.remoteCommits()).toEqual(before);
    });
  }

  it('says in the message what the field must be', async () => {
    const MESSAGES: Array<[unknown, string]> = [
      [{ resource: 'shop/cart' }, 'version: is required'],
      [{ resource: 'shop/cart', version: 1.2 }, 'version: must be a string, not a number'],
      [{ resource: 'shop/cart', version: ' ' }, 'version: must not be empty'],
      [{ resource: 'shop/cart', version: '1\nimage: evil' }, 'version: must be one line without control characters'],
      [{ resource: 'shop/../etc', version: '1' }, 'resource: resource name contains ".."'],
      [{ resource: 'shop/cart', version: '1', replicas: 2 }, 'replicas: unknown field; expected resource, version, env, fields, secrets, removeSecrets, changelog, author, lockOverride'],
      [{ resource: 'shop/cart', version: '1', fields: { list: ['ok', '\u2066x'] } }, 'fields.list[1]: must not contain U+2066 (a bidirectional control, which reorders the text people see)'],
      [{ resource: 'shop/cart', version: '1', author: { name: 'a', email: 'b', x: 1 } }, 'author.x: unknown field; expected name, email'],
      [[1], 'body: must be a JSON object'],
    ];
    for (const [body, message] of MESSAGES) {
      const res = await h.call('POST', '/api/v1/versions', { role: 'ci', body });
      expect([res.status, ((await res.json()) as { error: { code: string; message: string } }).error]).toEqual([400, { code: 'invalid-request', message, details: { field: message.split(':')[0] } }]);
    }
  });

  it('takes null for an optional field as absent, and a changelog with Windows line endings as newlines', async () => {
    const res = await h.call('POST', '/api/v1/versions', { role: 'ci', body: { resource: 'shop/cart', version: '1.0.2', env: null, fields: null, author: null, lockOverride: null, changelog: 'one\r\ntwo' } });
    expect(res.status).toBe(201);
    expect(await h.fx.git('log', '-1', '--format=%b', 'main')).toMatch(/^one\ntwo\n/);
  });

  it('refuses a bad history query naming the parameter', async () => {
    for (const [query, message] of [['limit=0', 'limit: must be an integer from 1 to 200'], ['foo=1', 'foo: unknown query parameter; expected env, resource, type, excludeType, staging, limit, cursor'], ['cursor=abc', 'cursor: must be the nextCursor of an earlier page']]) {
      const res = await h.call('GET', `/api/v1/history?${query}`, { role: 'viewer' });
      expect([res.status, ((await res.json()) as { error: { message: string } }).error.message]).toEqual([400, message]);
    }
  });

  it('refuses broken JSON, other content types and huge bodies', async () => {
    const before = await h.remoteCommits();
    expect((await h.call('POST', '/api/v1/versions', { role: 'ci', body: '{"resource":' })).status).toBe(400);
    const text = await h.aggregator.app.request('/api/v1/versions', { method: 'POST', body: 'resource=x', headers: { authorization: `Bearer ${h.tokens.ci}`, 'content-type': 'application/x-www-form-urlencoded' } });
    expect(text.status).toBe(415);
    const huge = await h.call('POST', '/api/v1/versions', { role: 'ci', body: { resource: 'shop/cart', version: '1', changelog: 'x'.repeat(2 * 1024 * 1024) } });
    expect(huge.status).toBe(413);
    expect(await h.remoteCommits()).toEqual(before);
  });

  it('writes values that look like YAML as values', async () => {
    const sneaky = 'x\nreplicas: 100\n--- !!js/function';
    const res = await h.call('POST', '/api/v1/versions', { role: 'ci', body: { resource: 'shop/cart', version: '1.0.1', fields: { image: sneaky, config: { 'key': '&anchor *alias' } } } });
    expect(res.status).toBe(201);
    const file = parse((await h.fx.readFile('main', 'latest/version/shop/cart.yaml')) as string);
    expect(file).toEqual({ version: '1.0.1', image: sneaky, replicas: 2, config: { key: '&anchor *alias' } });
  });
});

describe('git remote unreachable', () => {
  it('answers 503 with a clear message and acknowledges nothing', async () => {
    const moved = `${h.fx.remote}.away`;
    await rename(h.fx.remote, moved);
    try {
      const res = await h.call('POST', '/api/v1/versions', { role: 'ci', body: { resource: 'shop/cart', version: '5.0.0' } });
      expect(res.status).toBe(503);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('repo-unavailable');
      expect(body.error.message).toContain('nothing was written');
    } finally {
      await rename(moved, h.fx.remote);
    }
    expect(await h.fx.readFile('main', 'latest/version/shop/cart.yaml')).not.toContain('5.0.0');
  });
});
