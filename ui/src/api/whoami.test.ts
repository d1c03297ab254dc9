import { describe, expect, it } from 'vitest';
import { allowance, type Whoami } from './whoami.ts';

const admin: Whoami = { name: 'Ann Example', role: 'admin', anonymous: false, permissions: ['read', 'locks:write', 'logs:read'] };

describe('allowance', () => {
  it('offers what the role may do, to tokens and people alike', () => {
    expect(allowance(admin, 'locks:write')).toEqual({ allowed: true });
    expect(allowance({ ...admin, person: { email: 'ann@example.com', via: 'oidc', passedOn: false } }, 'locks:write')).toEqual({ allowed: true });
  });

  it('keeps the action log from a signed-in person: the deployer checks a token itself', () => {
    expect(allowance(admin, 'logs:read')).toEqual({ allowed: true });
    expect(allowance({ ...admin, person: { email: 'ann@example.com', via: 'oidc', passedOn: false } }, 'logs:read')).toEqual({ allowed: false, why: 'Only a token may read action logs and control-script output: the deployer checks it itself; use an admin token' });
  });

  it('asks anonymous viewers to sign in', () => {
    expect(allowance({ name: 'anonymous', role: 'viewer', anonymous: true, permissions: ['read'] }, 'locks:write')).toEqual({ allowed: false, why: 'Sign in to lock or unlock: anonymous viewing is read-only' });
  });
});
