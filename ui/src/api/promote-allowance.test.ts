import { describe, expect, it } from 'vitest';
import { allowance, type Whoami } from './whoami.ts';

const operator: Whoami = { name: 'ops', role: 'operator', anonymous: false, permissions: ['read', 'locks:write', 'rollbacks:write', 'promotions:write'] };

describe('allowance to promote', () => {
  it('lets an operator token promote, and tells a viewer who may', () => {
    expect(allowance(operator, 'promotions:write')).toEqual({ allowed: true });
    expect(allowance({ name: 'v', role: 'viewer', anonymous: false, permissions: ['read'] }, 'promotions:write')).toEqual({ allowed: false, why: 'Your role viewer may not promote; an operator or admin token may' });
  });

  it('says plainly that a signed-in person needs a token, since the transitioner checks one itself', () => {
    const person: Whoami = { ...operator, person: { email: 'dana@example.com', via: 'oidc', passedOn: false } };
    const answer = allowance(person, 'promotions:write');
    expect(answer.allowed).toBe(false);
    expect(answer.allowed ? '' : answer.why).toMatch(/^Only a token may promote: the transitioner checks/);
  });

  it('lets a signed-in operator promote when the aggregator passes people on to the transitioner', () => {
    const person: Whoami = { ...operator, person: { email: 'dana@example.com', via: 'oidc', passedOn: true } };
    expect(allowance(person, 'promotions:write')).toEqual({ allowed: true });
  });
});
