// Who may do what: the role → permission matrix, written out so a reader can check it in one glance.

/** Roles a token can have. `ci` and `operator` are siblings, not a ladder: CI publishes, people steer. */
export const ROLES = ['viewer', 'ci', 'operator', 'admin'] as const;

/** A token's role. */
export type Role = (typeof ROLES)[number];

/** Every permission an endpoint can require. */
export const PERMISSIONS = [
  /** Status, history, events, the UI. */
  'read',
  /** `POST /api/v1/versions`: publish a version. */
  'versions:write',
  /** Create, update, deploy, archive and restore stagings (ci: archive only its own branch's, never restore). */
  'stagings:write',
  /** Clean up a staging at once, deleting its data (volumes, namespace). */
  'stagings:cleanup',
  /** Ask a service to fetch the repo now (`POST /refresh`). */
  'repo:refresh',
  /** Lock and unlock environments and resources. */
  'locks:write',
  /** Put an older version back on an environment (sticky: also locks). */
  'rollbacks:write',
  /** Run a transition by hand. */
  'promotions:write',
  /** Read control-script stdout/stderr and deployer logs, which may contain secrets. */
  'logs:read',
  /** See secret application config values in the API. */
  'secrets:read',
] as const;

/** A permission an endpoint can require. */
export type Permission = (typeof PERMISSIONS)[number];

/**
 * The matrix. `ci` gets stagings because the multi-staging model creates them from pipelines; which stagings ci may
 * archive, and that it may not restore one, is the aggregator's rule (aggregator/src/writes/stagings/staging-roles.ts).
 * `versions:write` alone does not say where: ci pushes only into the pipeline's entry environments (and
 * `aggregator.ciEnvironments`), never past a lock; an operator pushes anywhere (a hotfix straight into
 * prod) and past a lock only with a reason the commit records (aggregator/src/writes/push-rules.ts).
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = Object.freeze({
  viewer: ['read'],
  ci: ['read', 'versions:write', 'stagings:write', 'repo:refresh'],
  operator: ['read', 'versions:write', 'stagings:write', 'repo:refresh', 'locks:write', 'rollbacks:write', 'promotions:write'],
  admin: [...PERMISSIONS],
});

/** Tells whether `role` grants `permission`. */
export function roleAllows(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** Tells whether `value` names a role. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
