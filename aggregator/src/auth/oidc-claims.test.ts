import { describe, expect, it } from 'vitest';
import { claimAt, groupsOf, needsUserinfo, personFromClaims } from './oidc-claims.ts';

describe('personFromClaims', () => {
  it('takes name, email and groups from the ID token as Dex sends them', () => {
    const idToken = { sub: 'Cg1hbm4', name: 'Ann Example', email: 'ann@example.com', email_verified: true, groups: ['qa', 'release-managers', 7] };
    expect(needsUserinfo(idToken, 'groups')).toBe(false);
    expect(personFromClaims(idToken, undefined, 'groups')).toEqual({ sub: 'Cg1hbm4', name: 'Ann Example', email: 'ann@example.com', groups: ['qa', 'release-managers'] });
  });

  it('fills in from userinfo what the ID token leaves out, the ID token winning', () => {
    const idToken = { sub: 'ann', name: 'Ann From Token' };
    expect(needsUserinfo(idToken, 'groups')).toBe(true);
    expect(personFromClaims(idToken, { sub: 'ann', name: 'Ann From Userinfo', email: 'ann@example.com', groups: 'qa' }, 'groups')).toEqual({ sub: 'ann', name: 'Ann From Token', email: 'ann@example.com', groups: ['qa'] });
  });

  it('never records an unverified address, and names a person without one in the reserved .invalid domain', () => {
    expect(personFromClaims({ sub: 'ann', preferred_username: 'ann.e', email: 'boss@example.com', email_verified: false }, undefined, 'groups')).toEqual({ sub: 'ann', name: 'ann.e', email: 'ann.e@cascade.invalid', groups: [] });
    expect(personFromClaims({ sub: 'x|42', given_name: 'Ann', family_name: 'Example' }, undefined, 'groups')).toMatchObject({ name: 'Ann Example', email: 'x-42@cascade.invalid' });
  });

  it('makes the name safe as a git author', () => {
    expect(personFromClaims({ sub: 'a', name: 'Eve <admin@example.com>\nCascade-Type: Rollback', email: 'eve@example.com' }, undefined, 'groups').name).toBe('Eve admin@example.com Cascade-Type: Rollback');
  });
});

describe('claimAt and groupsOf', () => {
  it('reads a namespaced claim whole, and a dotted path into objects', () => {
    expect(claimAt({ 'https://example.com/groups': ['a'] }, 'https://example.com/groups')).toEqual(['a']);
    expect(groupsOf({ realm_access: { roles: ['ops', 'ops'] } }, 'realm_access.roles')).toEqual(['ops']);
    expect(claimAt({ realm_access: ['roles'] }, 'realm_access.roles')).toBeUndefined();
    expect(claimAt({}, '__proto__.polluted')).toBeUndefined();
    expect(groupsOf({ groups: { a: 1 } }, 'groups')).toBeUndefined();
  });
});
