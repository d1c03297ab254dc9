// Bearer tokens: generated once, shown once, stored only as their sha256 hex in the service config.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Person } from './person.ts';
import type { Role } from './roles.ts';

/** A token as configured: a name (the identity), a role, and the sha256 hex of the secret. */
export interface TokenEntry {
  name: string;
  role: Role;
  sha256: string;
  /** The aggregator's own token: it may act for a person it signed in (header `X-Cascade-On-Behalf-Of`), never above its role. */
  delegate?: boolean;
}

/** Who made a request: the token's or the person's name (used as commit author) and the role. */
export interface Identity {
  name: string;
  role: Role;
  /** True for requests without a token admitted by `anonymousRead`. */
  anonymous: boolean;
  /** Set for a person (an OIDC session, a trusted proxy's headers); absent for tokens and anonymous requests. */
  person?: Person;
  /** For a person passed on by the aggregator: the name of the delegating token that vouched for them. */
  delegatedBy?: string;
  /** Set on a token's identity when the token may act for people (`delegate: true`). */
  delegates?: boolean;
}

// The prefix makes leaked tokens easy to spot by secret scanners and in reviews.
const TOKEN_PREFIX = 'cascade_';

/** Generates a new random token (256 bits), e.g. for `cascade token create`. */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** The sha256 hex of `token`, the form stored in `aggregator.tokens[].sha256` (`cascade token hash`). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Tells whether `value` is a sha256 hex digest (64 hex digits). */
export function isSha256Hex(value: string): boolean {
  return /^[0-9a-fA-F]{64}$/.test(value);
}

/** Finds the configured tokens for presented secrets, comparing digests in constant time. */
export class TokenVerifier {
  private readonly entries: { name: string; role: Role; digest: Buffer; delegate: boolean }[];

  constructor(tokens: readonly TokenEntry[]) {
    this.entries = tokens.map((t) => {
      if (!isSha256Hex(t.sha256)) throw new TypeError(`token ${t.name}: sha256 must be 64 hex digits`);
      return { name: t.name, role: t.role, digest: Buffer.from(t.sha256, 'hex'), delegate: t.delegate === true };
    });
  }

  /** The identity of `token`, or undefined when no configured token matches. */
  verify(token: string): Identity | undefined {
    const digest = createHash('sha256').update(token, 'utf8').digest();
    let match: Identity | undefined;
    // Compare against every entry without stopping early, so timing says nothing about which one matched.
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, digest) && !match) match = { name: entry.name, role: entry.role, anonymous: false, ...(entry.delegate ? { delegates: true } : {}) };
    }
    return match;
  }
}
