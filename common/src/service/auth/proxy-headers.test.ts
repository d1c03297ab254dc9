import { describe, expect, it } from 'vitest';
import { createPrng } from '../../testing/prng.ts';
import { MAX_PERSON_FIELD, personAuthor } from './person.ts';
import { MAX_PROXY_GROUPS, parseGroupsHeader, readProxyHeaders } from './proxy-headers.ts';

describe('readProxyHeaders', () => {
  it('reads the person oauth2-proxy names: user (an email here), groups, display name', () => {
    expect(readProxyHeaders({ user: ' ann@example.com ', groups: 'qa, release-managers,,qa', name: 'Ann Example' })).toEqual({
      kind: 'person',
      user: 'ann@example.com',
      email: 'ann@example.com',
      name: 'Ann Example',
      groups: ['qa', 'release-managers'],
    });
  });

  it('takes the user as the name without a name header, and leaves the email out when the user is none', () => {
    expect(readProxyHeaders({ user: 'ann', groups: undefined, name: undefined })).toEqual({ kind: 'person', user: 'ann', name: 'ann', groups: [] });
  });

  it('reads no person without a user header, and refuses an unusable one', () => {
    expect(readProxyHeaders({ user: undefined, groups: 'admins', name: 'x' })).toEqual({ kind: 'none' });
    expect(readProxyHeaders({ user: '  ', groups: 'admins', name: 'x' })).toEqual({ kind: 'none' });
    expect(readProxyHeaders({ user: 'a\u0000b', groups: '', name: undefined }).kind).toBe('invalid');
    expect(readProxyHeaders({ user: 'a'.repeat(MAX_PERSON_FIELD + 1), groups: '', name: undefined }).kind).toBe('invalid');
    expect(readProxyHeaders({ user: 'ann', groups: 'a\u0007', name: undefined }).kind).toBe('invalid');
  });

  it('refuses more groups than it judges, and overlong group names', () => {
    expect(parseGroupsHeader(Array.from({ length: MAX_PROXY_GROUPS + 1 }, (_, i) => `g${i}`).join(','))).toHaveProperty('error');
    expect(parseGroupsHeader(Array.from({ length: MAX_PROXY_GROUPS }, (_, i) => `g${i}`).join(','))).toHaveProperty('groups');
    expect(parseGroupsHeader(`ok,${'g'.repeat(MAX_PERSON_FIELD + 1)}`)).toHaveProperty('error');
  });
});

describe('personAuthor', () => {
  it('makes a git author of a person: no angle brackets, one line, an address always', () => {
    expect(personAuthor('Ann <root@evil>', 'ann@example.com', 'ann')).toEqual({ name: 'Ann root@evil', email: 'ann@example.com' });
    expect(personAuthor('Line\nBreak\u2028Here', undefined, 'user 42/x')).toEqual({ name: 'Line Break Here', email: 'user-42-x@cascade.invalid' });
    expect(personAuthor('', 'not an email', '')).toEqual({ name: 'person@cascade.invalid', email: 'person@cascade.invalid' });
  });
});

describe('fuzzing the proxy headers (seeded)', () => {
  const alphabet = ['a', 'Z', '0', '@', '.', ',', ' ', '  ', ',,', '\t', '\n', '\r', '\u0000', '\u0085', '\u2028', '\u202e', '<', '>', 'é', '\u{1f600}', 'x'.repeat(60)];

  it('never throws; a person it reads has a trimmed one-line user, distinct trimmed groups without commas, and a safe author', () => {
    const prng = createPrng(0xa11ce);
    const text = () => Array.from({ length: prng.int(12) }, () => prng.pick(alphabet)).join('');
    for (let run = 0; run < 5000; run++) {
      const values = { user: prng.chance(0.1) ? undefined : text(), groups: prng.chance(0.2) ? undefined : text(), name: prng.chance(0.3) ? undefined : text() };
      const claim = readProxyHeaders(values);
      if (claim.kind !== 'person') continue;
      expect(claim.user).toBe(claim.user.trim());
      expect(claim.user).not.toMatch(/\p{Cc}/u);
      expect(claim.user.length).toBeLessThanOrEqual(MAX_PERSON_FIELD);
      expect(new Set(claim.groups).size).toBe(claim.groups.length);
      for (const group of claim.groups) expect(group === group.trim() && group !== '' && !group.includes(',')).toBe(true);
      const author = personAuthor(claim.name, claim.email, claim.user);
      expect(`${author.name} ${author.email}`).not.toMatch(/[<>\p{Cc}\u2028\u2029]/u);
      expect(author.name.length).toBeGreaterThan(0);
    }
  });
});
