// `@cascade/common/auth`: roles and tokens without the HTTP stack, for tools that only mint or check tokens (the CLI).
export type { Permission, Role } from './roles.ts';
export { isRole, PERMISSIONS, ROLE_PERMISSIONS, ROLES, roleAllows } from './roles.ts';
export type { Identity, TokenEntry } from './tokens.ts';
export { generateToken, hashToken, isSha256Hex, TokenVerifier } from './tokens.ts';
