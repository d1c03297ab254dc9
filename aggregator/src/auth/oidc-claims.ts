// Who signed in, from the claims of a checked ID token (and the provider's userinfo when the token leaves things out).
import { authorPart, personAuthor } from '@cascade/common/service';

/** Claims as JSON: an ID token's payload or a userinfo answer. */
export type Claims = Readonly<Record<string, unknown>>;

/** The person a sign-in names. */
export interface SignedInPerson {
  sub: string;
  name: string;
  email: string;
  groups: string[];
}

/** Most groups taken from a claim; more than this is a misconfigured claim, not a person. */
const MAX_GROUPS = 1000;

/** Tells whether the ID token lacks what a session needs, so userinfo should be asked (many providers put it there only). */
export function needsUserinfo(idToken: Claims, groupsClaim: string): boolean {
  return claimAt(idToken, groupsClaim) === undefined || typeof idToken['email'] !== 'string' || nameOf(idToken) === undefined;
}

/** The person from the ID token's claims, filled in from userinfo where the ID token is silent; the ID token wins. */
export function personFromClaims(idToken: Claims, userinfo: Claims | undefined, groupsClaim: string): SignedInPerson {
  const sub = String(idToken['sub']);
  const pick = <T>(read: (claims: Claims) => T | undefined): T | undefined => read(idToken) ?? (userinfo === undefined ? undefined : read(userinfo));
  // An address the provider says it has not verified could be anyone's, so it never becomes an author.
  const email = pick((claims) => (typeof claims['email'] === 'string' && claims['email_verified'] !== false ? claims['email'] : undefined));
  const name = pick(nameOf) ?? email ?? sub;
  const author = personAuthor(name, email, pick((claims) => stringClaim(claims, 'preferred_username')) ?? sub);
  return { sub, name: author.name, email: author.email, groups: pick((claims) => groupsOf(claims, groupsClaim)) ?? [] };
}

/** The groups under `groupsClaim`: a list of strings, or one string; anything else counts as none. */
export function groupsOf(claims: Claims, groupsClaim: string): string[] | undefined {
  const value = claimAt(claims, groupsClaim);
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return undefined;
  return [...new Set(value.filter((group): group is string => typeof group === 'string'))].slice(0, MAX_GROUPS);
}

/** A claim by name, or by a dotted path into objects (`realm_access.roles`) when no claim has the whole name. */
export function claimAt(claims: Claims, path: string): unknown {
  // Namespaced claims (`https://example.com/groups`) contain dots, so the whole name is tried first.
  if (Object.hasOwn(claims, path)) return claims[path];
  let current: unknown = claims;
  for (const segment of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current) || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function nameOf(claims: Claims): string | undefined {
  const given = [stringClaim(claims, 'given_name'), stringClaim(claims, 'family_name')].filter((part) => part !== undefined).join(' ');
  return stringClaim(claims, 'name') ?? (given === '' ? undefined : given) ?? stringClaim(claims, 'preferred_username');
}

function stringClaim(claims: Claims, key: string): string | undefined {
  const value = claims[key];
  return typeof value === 'string' && authorPart(value) !== '' ? value : undefined;
}
