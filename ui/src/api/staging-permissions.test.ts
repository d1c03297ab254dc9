import { describe, expect, it } from 'vitest';
import { stagingAllowance, type StagingSession } from './staging-permissions.ts';
import { allowance, type Whoami } from './whoami.ts';

const PERMISSIONS: Record<string, string[]> = {
  viewer: ['read'],
  ci: ['read', 'versions:write', 'stagings:write'],
  operator: ['read', 'stagings:write', 'locks:write', 'rollbacks:write'],
  admin: ['read', 'stagings:write', 'stagings:cleanup', 'logs:read'],
};
const session = (role: string): StagingSession => {
  const who: Whoami = { name: `${role}-person`, role, anonymous: false, permissions: PERMISSIONS[role]! };
  return { may: (action) => allowance(who, action), role };
};

describe('stagingAllowance', () => {
  it('lets a viewer do nothing, and says which role may', () => {
    expect(stagingAllowance(session('viewer'), 'create')).toEqual({ allowed: false, why: 'Your role viewer may not create or change stagings; a ci, operator or admin token may' });
    expect(stagingAllowance(session('viewer'), 'cleanup', 'archived')).toEqual({ allowed: false, why: 'Your role viewer may not clean up stagings; an admin token may' });
  });

  it('lets an operator create, edit, archive and restore, and only an admin clean up and read the action log', () => {
    for (const control of ['create', 'edit', 'archive', 'restore'] as const) expect(stagingAllowance(session('operator'), control, 'active').allowed).toBe(true);
    expect(stagingAllowance(session('operator'), 'cleanup', 'active').allowed).toBe(false);
    expect(stagingAllowance(session('operator'), 'actions', 'active').allowed).toBe(false);
    expect(stagingAllowance(session('admin'), 'cleanup', 'archived').allowed).toBe(true);
    expect(stagingAllowance(session('admin'), 'actions', 'active').allowed).toBe(true);
  });

  it("keeps a ci token to the aggregator's rules: it creates and edits, never archives by name nor restores", () => {
    expect(stagingAllowance(session('ci'), 'create').allowed).toBe(true);
    expect(stagingAllowance(session('ci'), 'edit', 'active').allowed).toBe(true);
    expect(stagingAllowance(session('ci'), 'archive', 'active')).toMatchObject({ allowed: false, why: expect.stringContaining('cascade staging archive --from-branch') });
    expect(stagingAllowance(session('ci'), 'restore', 'archived')).toEqual({ allowed: false, why: 'Your role ci may not restore stagings; an operator or admin token may' });
  });

  it('offers nothing but the log for a staging being cleaned up', () => {
    expect(stagingAllowance(session('admin'), 'edit', 'cleanup').allowed).toBe(false);
    expect(stagingAllowance(session('admin'), 'actions', 'cleanup').allowed).toBe(true);
  });
});
