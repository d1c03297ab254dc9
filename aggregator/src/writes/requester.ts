// Who asked for a write: the commit author, and the token (or person) the requested-by trailer always names.
import type { Author } from '@cascade/common/git';
import type { Identity, Role } from '@cascade/common/service';

/** The identity behind a write: the token's name and role, and the author to record (the token's, unless the request named one). */
export interface Requester {
  /** Name of the token that made the request, or the email of the person who did (`Cascade-Requested-By`). */
  token: string;
  /** The token's role: where a version may be pushed depends on it. */
  role: Role;
  author: Author;
}

/** The commit author for a token name: the name, and an address in the reserved `.invalid` domain unless the name is one. */
export function authorForToken(name: string): Author {
  return { name, email: name.includes('@') ? name : `${name}@cascade.invalid` };
}

/** Who an identity is in the history: a person under their name and email, a token under its name. */
export function requesterFor(identity: Identity): Pick<Requester, 'token' | 'author'> {
  if (identity.person) return { token: identity.person.email, author: { name: identity.name, email: identity.person.email } };
  return { token: identity.name, author: authorForToken(identity.name) };
}
