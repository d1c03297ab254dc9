// A person signed in through OIDC or vouched for by a trusted proxy: what of them becomes a commit author.

/** What an identity carries when it is a person rather than a token. */
export interface Person {
  /** The address recorded as the commit author's email and in `Cascade-Requested-By`. */
  email: string;
  /** How the person got in: a dashboard session after an OIDC sign-in, or a trusted auth proxy's headers. */
  via: 'oidc' | 'proxy';
  /** OIDC sessions only: the value every write must echo in `X-Cascade-CSRF`. */
  csrfToken?: string;
  /** OIDC sessions only: when the session ends, epoch ms. */
  expiresAt?: number;
}

/** The longest author name or email Cascade records; IdPs allow more, git logs and the dashboard do not need it. */
export const MAX_PERSON_FIELD = 200;

// Characters git refuses or mangles in an ident (`<`, `>`, line breaks), and every other control or format character.
const UNSAFE_IN_AUTHOR = /[<>\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** Makes a claim or header value safe as one part of a git author: no `<>`, no control characters, one line, bounded. */
export function authorPart(raw: string): string {
  return raw.replace(UNSAFE_IN_AUTHOR, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_PERSON_FIELD).trim();
}

// Deliberately simple: one `@`, something on both sides, no spaces. Cascade records the address, it never mails it.
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Tells whether `value` looks like an email address (one `@`, no spaces). */
export function looksLikeEmail(value: string): boolean {
  return EMAIL.test(value);
}

/** The commit author of a person: their name, and their email or an address in the reserved `.invalid` domain. */
export function personAuthor(name: string, email: string | undefined, fallbackId: string): { name: string; email: string } {
  const safeEmail = email === undefined ? '' : authorPart(email);
  const id = authorPart(fallbackId).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'person';
  const address = looksLikeEmail(safeEmail) ? safeEmail : `${id}@cascade.invalid`;
  return { name: authorPart(name) || address, email: address };
}
