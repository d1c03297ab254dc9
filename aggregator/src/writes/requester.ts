// Who asked for a write: the commit author, and the token the requested-by trailer always names.
import type { Author } from '@cascade/common/git';
import type { Role } from '@cascade/common/service';

/** The identity behind a write: the token's name and role, and the author to record (the token's, unless the request named one). */
export interface Requester {
  /** Name of the token that made the request. */
  token: string;
  /** The token's role: where a version may be pushed depends on it. */
  role: Role;
  author: Author;
}

/** The commit author for a token name: the name, and an address in the reserved `.invalid` domain unless the name is one. */
export function authorForToken(name: string): Author {
  return { name, email: name.includes('@') ? name : `${name}@cascade.invalid` };
}
