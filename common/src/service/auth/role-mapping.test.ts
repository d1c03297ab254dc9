import { describe, expect, it } from 'vitest';
import { decideRole, groupsGrantingAccess, type RoleMapping } from './role-mapping.ts';

const mapping: RoleMapping = { roles: { admin: ['platform'], operator: ['release-managers', 'sre'], ci: ['pipelines'], viewer: ['qa', 'pm'] } };

describe('decideRole', () => {
  it('gives the highest role any group maps to, naming the group that decided', () => {
    expect(decideRole(['qa'], mapping)).toEqual({ kind: 'granted', role: 'viewer', group: 'qa' });
    expect(decideRole(['qa', 'sre'], mapping)).toEqual({ kind: 'granted', role: 'operator', group: 'sre' });
    expect(decideRole(['pm', 'pipelines', 'platform', 'sre'], mapping)).toEqual({ kind: 'granted', role: 'admin', group: 'platform' });
    // viewer < ci < operator < admin: ci outranks viewer, operator outranks ci.
    expect(decideRole(['qa', 'pipelines'], mapping)).toMatchObject({ role: 'ci' });
    expect(decideRole(['pipelines', 'release-managers'], mapping)).toMatchObject({ role: 'operator' });
  });

  it('falls back to the default role, or refuses without one', () => {
    expect(decideRole(['marketing'], mapping)).toEqual({ kind: 'refused' });
    expect(decideRole([], mapping)).toEqual({ kind: 'refused' });
    expect(decideRole(['marketing'], { ...mapping, defaultRole: 'viewer' })).toEqual({ kind: 'granted', role: 'viewer' });
    // A listed group still wins over the default.
    expect(decideRole(['sre'], { ...mapping, defaultRole: 'viewer' })).toMatchObject({ role: 'operator', group: 'sre' });
  });

  it('compares group names exactly, as the providers do', () => {
    expect(decideRole(['Platform', ' platform', 'platform '], mapping)).toEqual({ kind: 'refused' });
  });

  it('lists the groups that give access, once each, highest role first', () => {
    expect(groupsGrantingAccess(mapping)).toEqual(['platform', 'release-managers', 'sre', 'pipelines', 'qa', 'pm']);
    expect(groupsGrantingAccess({ roles: { viewer: ['a'], operator: ['a'] } })).toEqual(['a']);
  });
});
