import { describe, expect, it } from 'vitest';
import { decodeOnBehalf, encodeOnBehalf } from './delegation.ts';
import type { Identity } from './tokens.ts';

const ann: Identity = { name: 'Ann Example', role: 'operator', anonymous: false, person: { email: 'ann@example.com', via: 'oidc', csrfToken: 'secret-csrf' } };
const token = { name: 'cascade-aggregator', role: 'operator' as const };

describe('passing a person on', () => {
  it('round-trips the name, address, role and way in, and leaves the session secrets behind', () => {
    const header = encodeOnBehalf(ann);
    expect(Buffer.from(header, 'base64url').toString('utf8')).not.toContain('secret-csrf');
    expect(decodeOnBehalf(header, token)).toEqual({ name: 'Ann Example', role: 'operator', anonymous: false, person: { email: 'ann@example.com', via: 'oidc' }, delegatedBy: 'cascade-aggregator' });
  });

  it("caps the person's role at the delegating token's", () => {
    expect(decodeOnBehalf(encodeOnBehalf({ ...ann, role: 'admin' }), token)).toMatchObject({ role: 'operator' });
    expect(decodeOnBehalf(encodeOnBehalf({ ...ann, role: 'viewer' }), token)).toMatchObject({ role: 'viewer' });
  });

  it('makes names safe as a commit author', () => {
    expect(decodeOnBehalf(encodeOnBehalf({ ...ann, name: 'Eve <eve@evil>\nSigned-off-by: x' }), token)).toMatchObject({ name: 'Eve eve@evil Signed-off-by: x' });
  });

  it('refuses what is not a person, naming the header, and never throws on any input', () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
    for (const bad of ['', 'not base64!', encode(null), encode('ann'), encode({ name: 'Ann', email: 'nope', role: 'operator', via: 'oidc' }), encode({ name: 'Ann', email: 'a@b', role: 'root', via: 'oidc' }), encode({ name: 'Ann', email: 'a@b', role: 'viewer', via: 'token' }), 'x'.repeat(3000)]) {
      const result = decodeOnBehalf(bad, token);
      expect('error' in result && result.error).toMatch(/x-cascade-on-behalf-of/);
    }
    let seed = 7;
    for (let i = 0; i < 500; i++) {
      const bytes = Array.from({ length: (i % 60) + 1 }, () => (seed = (seed * 1103515245 + 12345) >>> 0) % 256);
      expect(() => decodeOnBehalf(Buffer.from(bytes).toString('base64url'), token)).not.toThrow();
    }
  });
});
