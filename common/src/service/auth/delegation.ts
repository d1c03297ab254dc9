// A person the aggregator signed in, passed on to the transitioner or the deployer: the aggregator sends its own
// token (one marked `delegate: true`) and the person in a header, and the peer acts as that person, never above the
// token's role. Pure: encoding and checking only.
import type { Person } from './person.ts';
import { authorPart, looksLikeEmail } from './person.ts';
import type { Role } from './roles.ts';
import { ROLES } from './roles.ts';
import type { Identity } from './tokens.ts';

/** The header naming the person a delegating token acts for. */
export const ON_BEHALF_HEADER = 'x-cascade-on-behalf-of';

/** The longest header value accepted: a name, an address, a role and a word. */
const MAX_HEADER = 2048;

/** The header value for `identity` (a person), base64url of JSON so any name survives as one header line. */
export function encodeOnBehalf(identity: Identity): string {
  const person = identity.person;
  return Buffer.from(JSON.stringify({ name: identity.name, email: person?.email ?? '', role: identity.role, via: person?.via ?? 'oidc' }), 'utf8').toString('base64url');
}

/** The person a delegating token (`token`) acts for, from the header value; an error message when it is not one. */
export function decodeOnBehalf(value: string, token: Pick<Identity, 'name' | 'role'>): Identity | { error: string } {
  if (value.length > MAX_HEADER) return { error: `${ON_BEHALF_HEADER} is longer than ${MAX_HEADER} characters` };
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    return { error: `${ON_BEHALF_HEADER} is not base64url of JSON` };
  }
  if (raw === null || typeof raw !== 'object') return { error: `${ON_BEHALF_HEADER} is not an object` };
  const { name, email, role, via } = raw as Record<string, unknown>;
  if (typeof name !== 'string' || authorPart(name) === '') return { error: `${ON_BEHALF_HEADER} has no name` };
  if (typeof email !== 'string' || !looksLikeEmail(authorPart(email))) return { error: `${ON_BEHALF_HEADER} has no email address` };
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) return { error: `${ON_BEHALF_HEADER} has no known role` };
  if (via !== 'oidc' && via !== 'proxy') return { error: `${ON_BEHALF_HEADER} says neither oidc nor proxy` };
  const person: Person = { email: authorPart(email), via };
  // Never above the delegating token: a leaked header cannot lift anybody beyond what the aggregator itself may do.
  return { name: authorPart(name), role: lowerRole(role as Role, token.role), anonymous: false, person, delegatedBy: token.name };
}

/** The lower of two roles. */
function lowerRole(a: Role, b: Role): Role {
  return ROLES.indexOf(a) <= ROLES.indexOf(b) ? a : b;
}
