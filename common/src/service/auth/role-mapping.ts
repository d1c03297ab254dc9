// Which role a person gets from their groups (an OIDC claim or a proxy header): the highest role any group maps to.
import type { Role } from './roles.ts';
import { ROLES } from './roles.ts';

/** Groups per role, as configured under `roles:` of `aggregator.auth.oidc` or `aggregator.auth.proxy`. */
export type RoleGroups = Readonly<Partial<Record<Role, readonly string[]>>>;

/** How groups become a role: the groups of each role, and the role of a person none of whose groups is listed. */
export interface RoleMapping {
  roles: RoleGroups;
  /** Absent: a person without a listed group is refused. */
  defaultRole?: Role;
}

/** The outcome of mapping a person's groups. */
export type RoleDecision =
  /** A listed group gave the role (`group` names the one that decided), or the default role did (`group` absent). */
  | { kind: 'granted'; role: Role; group?: string }
  /** No group is listed and there is no default role: the person may not use Cascade. */
  | { kind: 'refused' };

// Highest last: ROLES lists viewer < ci < operator < admin, the order in which a person's groups compete.
const BY_RANK: readonly Role[] = ROLES;

/** Decides a person's role from their groups: the highest role any of them maps to, else the default role, else refused. */
export function decideRole(groups: readonly string[], mapping: RoleMapping): RoleDecision {
  const held = new Set(groups);
  for (let rank = BY_RANK.length - 1; rank >= 0; rank--) {
    const role = BY_RANK[rank]!;
    // Group names are compared exactly: IdPs treat `Admins` and `admins` as different groups, so must we.
    const group = (mapping.roles[role] ?? []).find((candidate) => held.has(candidate));
    if (group !== undefined) return { kind: 'granted', role, group };
  }
  return mapping.defaultRole === undefined ? { kind: 'refused' } : { kind: 'granted', role: mapping.defaultRole };
}

/** Every group that grants some role, highest role first, for the refusal page ("ask to be added to one of …"). */
export function groupsGrantingAccess(mapping: RoleMapping): string[] {
  return [...new Set([...BY_RANK].reverse().flatMap((role) => mapping.roles[role] ?? []))];
}
