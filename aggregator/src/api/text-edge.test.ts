// Text that YAML 1.1 readers split into lines (LS, PS, NEL) or that reorders what people see (bidi controls) is
// refused at the edge naming the field; whatever passes is written so PyYAML and go-yaml read what Cascade reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseVersionFile } from '@cascade/common';
import type { Role } from '@cascade/common/service';
import { HOSTILE_STRINGS } from '@cascade/common/testing/hostile-strings';
import { foreignReaders } from '@cascade/common/testing/yaml-readers';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.cleanup());

const push = (extra: Record<string, unknown>) => ({ resource: 'shop/cart', version: '1.0.1', ...extra });

const REFUSED: Array<{ name: string; method: string; path: string; role: Role; body: unknown; field: string }> = [
  { name: 'LS in the version', method: 'POST', path: '/api/v1/versions', role: 'ci', body: push({ version: '1\u2028kind: Secret' }), field: 'version' },
  { name: 'C1 control in the version', method: 'POST', path: '/api/v1/versions', role: 'ci', body: push({ version: '1\u0080' }), field: 'version' },
  { name: 'PS in a field value', method: 'POST', path: '/api/v1/versions', role: 'ci', body: push({ fields: { image: 'x\u2029kind:\u2028  Secret' } }), field: 'fields.image' },
  { name: 'NEL in a nested value', method: 'POST', path: '/api/v1/versions', role: 'ci', body: push({ fields: { config: { a: 'x\u0085kind: Secret' } } }), field: 'fields.config.a' },
  { name: 'bidi isolate in a list item', method: 'POST', path: '/api/v1/versions', role: 'ci', body: push({ fields: { list: ['ok', '\u2066x'] } }), field: 'fields.list[1]' },
  { name: 'LS in a nested key', method: 'POST', path: '/api/v1/versions', role: 'ci', body: push({ fields: { config: { 'k\u2028kind: Secret': 1 } } }), field: 'fields.config.k\u2028kind: Secret' },
  { name: 'unpaired surrogate in a field value', method: 'POST', path: '/api/v1/versions', role: 'ci', body: push({ fields: { image: 'a\ud800b' } }), field: 'fields.image' },
  { name: 'right-to-left override in the changelog', method: 'POST', path: '/api/v1/versions', role: 'ci', body: push({ changelog: 'Fix \u202eevil' }), field: 'changelog' },
  { name: 'PS in the changelog', method: 'POST', path: '/api/v1/versions', role: 'ci', body: push({ changelog: 'a\u2029b' }), field: 'changelog' },
  { name: 'bidi override in the author name', method: 'POST', path: '/api/v1/versions', role: 'ci', body: push({ author: { name: 'Eve \u202e', email: 'e@x' } }), field: 'author.name' },
  { name: 'right-to-left mark in the author email', method: 'POST', path: '/api/v1/versions', role: 'ci', body: push({ author: { name: 'Eve', email: 'e\u200f@x' } }), field: 'author.email' },
  { name: 'bidi override in a lock reason', method: 'POST', path: '/api/v1/locks', role: 'operator', body: { env: 'prod', reason: 'incident \u202e1174' }, field: 'reason' },
  { name: 'LS in an unlock reason', method: 'DELETE', path: '/api/v1/locks', role: 'operator', body: { env: 'prod', reason: 'a\u2028b' }, field: 'reason' },
  { name: 'Arabic letter mark in a rollback target', method: 'POST', path: '/api/v1/rollbacks', role: 'operator', body: { env: 'prod', resource: 'shop/cart', to: '0.9.0\u061c' }, field: 'to' },
];

describe('text the edge refuses', () => {
  for (const c of REFUSED) {
    it(`refuses ${c.name} with 400 naming the field`, async () => {
      const before = await h.remoteCommits();
      const res = await h.call(c.method, c.path, { role: c.role, body: c.body });
      expect(res.status).toBe(400);
      const error = ((await res.json()) as { error: { code: string; details?: { field?: string } } }).error;
      expect(error).toMatchObject({ code: 'invalid-request', details: { field: c.field } });
      expect(await h.remoteCommits()).toEqual(before);
    });
  }
});

describe('what passes the edge', () => {
  it('is refused naming the field, or written so that PyYAML and go-yaml read exactly what Cascade reads', async () => {
    const readers = foreignReaders();
    const texts: string[] = [];
    let n = 0;
    for (const [name, value] of Object.entries(HOSTILE_STRINGS)) {
      const res = await h.call('POST', '/api/v1/versions', { role: 'ci', body: push({ version: `2.0.${n++}`, fields: { image: value, config: { [value]: [value] } } }) });
      if (res.status === 400) {
        const field = ((await res.json()) as { error: { details?: { field?: string } } }).error.details?.field;
        expect(field, name).toMatch(/^fields\.(image|config\.)/);
        continue;
      }
      expect(res.status, name).toBe(201);
      texts.push((await h.fx.readFile('main', 'latest/version/shop/cart.yaml')) as string);
    }
    // Newlines, tabs, C0 controls, a byte order mark and YAML 1.1 look-alikes are allowed and must reach the file.
    expect(texts.length).toBeGreaterThanOrEqual(12);
    const expected = texts.map((text) => ({ ok: true, value: parseVersionFile('cart.yaml', text).data?.fields }));
    for (const reader of readers) expect(reader.read(texts), reader.name).toEqual(expected);
  });
});
