// What a trusted auth proxy (oauth2-proxy, an ingress's auth request) says about a person, read strictly from its headers.
import { authorPart, looksLikeEmail, MAX_PERSON_FIELD } from './person.ts';

/** The raw header values, undefined when a header is absent. */
export interface ProxyHeaderValues {
  user: string | undefined;
  groups: string | undefined;
  name: string | undefined;
}

/** What the headers say. */
export type ProxyClaim =
  /** No user header: the proxy vouches for nobody, the request is anonymous. */
  | { kind: 'none' }
  /** A person: `user` as sent (trimmed), an email when it is one, a display name, and their groups. */
  | { kind: 'person'; user: string; email?: string; name: string; groups: string[] }
  /** The user header is there but unusable (too long, control characters); `reason` names the header's problem. */
  | { kind: 'invalid'; reason: string };

/** Most groups read from one header; a person in more is refused rather than judged on a cut list. */
export const MAX_PROXY_GROUPS = 256;

// Control characters never belong in a user id or group name; a proxy that sends them is misconfigured or bypassed.
const CONTROL = /\p{Cc}/u;

/** Reads the proxy's headers: the user (required), groups (comma-separated, as oauth2-proxy sends them) and a display name. */
export function readProxyHeaders(values: ProxyHeaderValues): ProxyClaim {
  const user = values.user?.trim() ?? '';
  if (user === '') return { kind: 'none' };
  if (user.length > MAX_PERSON_FIELD || CONTROL.test(user)) return { kind: 'invalid', reason: `the user header must be one line of at most ${MAX_PERSON_FIELD} characters` };
  const groups = parseGroupsHeader(values.groups ?? '');
  if ('error' in groups) return { kind: 'invalid', reason: groups.error };
  const display = authorPart(values.name ?? '');
  return { kind: 'person', user, ...(looksLikeEmail(user) ? { email: user } : {}), name: display || user, groups: groups.groups };
}

/** Splits a groups header at commas, trimming each group and dropping empty ones and repeats. */
export function parseGroupsHeader(header: string): { groups: string[] } | { error: string } {
  if (CONTROL.test(header)) return { error: 'the groups header must not hold control characters' };
  const groups = [...new Set(header.split(',').map((group) => group.trim()).filter((group) => group !== ''))];
  if (groups.length > MAX_PROXY_GROUPS) return { error: `the groups header names more than ${MAX_PROXY_GROUPS} groups` };
  if (groups.some((group) => group.length > MAX_PERSON_FIELD)) return { error: `a group in the groups header is longer than ${MAX_PERSON_FIELD} characters` };
  return { groups };
}
