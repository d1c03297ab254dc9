// Staging names: DNS labels, made from branch names the same way every time, and the namespaces they become.
import { printable } from '../names.ts';

/** A DNS label (RFC 1123): what a staging name, a namespace and a host name's first part all accept. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Longest DNS label. */
export const MAX_LABEL_LENGTH = 63;

/** Where a staging's name must leave room: the hash suffix a long branch name gets. */
const HASH_LENGTH = 6;

/** Namespaces no staging may ever have: Kubernetes' own and the default one. */
const RESERVED_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/** Why `name` cannot name a staging, or undefined when it can. */
export function checkStagingName(name: string): string | undefined {
  if (name.length > MAX_LABEL_LENGTH) return `staging name "${printable(name.slice(0, 80))}…" is longer than ${MAX_LABEL_LENGTH} characters`;
  if (!DNS_LABEL.test(name)) return `staging name "${printable(name)}" must be a DNS label: lower-case letters, digits and "-", starting and ending with a letter or digit`;
  return undefined;
}

/**
 * The staging name of a branch: lower case, every run of other characters one "-", no prefix like `refs/heads/`;
 * `feature/JIRA-12_Login` → `feature-jira-12-login`. A name that would be longer than `maxLength` is cut and gets a
 * short hash of the whole branch name, so two long branches that share a beginning still get different names.
 * Undefined when nothing usable is left (a branch named `///`).
 */
export function stagingNameFromBranch(branch: string, maxLength = MAX_LABEL_LENGTH): string | undefined {
  const bare = branch.replace(/^refs\/heads\//, '');
  const name = bare.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (name === '') return undefined;
  if (name.length <= maxLength) return name;
  const hash = shortHash(bare);
  // Too little room for a part of the name and the hash: the hash alone still tells branches apart.
  if (maxLength < HASH_LENGTH + 2) return hash.slice(0, maxLength);
  const cut = name.slice(0, maxLength - HASH_LENGTH - 1).replace(/-+$/, '');
  return `${cut}-${hash}`;
}

/** Six base-36 characters of FNV-1a: stable across versions and machines, enough to keep branch names apart. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36).padStart(HASH_LENGTH, '0').slice(-HASH_LENGTH);
}

/** Why a kind's namespace pattern is unusable, or undefined: it must hold `{name}` and otherwise only DNS-label characters, and not start with `kube-`. */
export function checkNamespacePattern(pattern: string): string | undefined {
  if (!pattern.includes('{name}')) return `namespace pattern "${printable(pattern)}" must contain {name}, so each staging gets its own namespace`;
  const filled = pattern.replaceAll('{name}', 'x');
  if (!DNS_LABEL.test(filled)) return `namespace pattern "${printable(pattern)}" may hold only lower-case letters, digits, "-" and {name}`;
  if (filled.startsWith('kube-')) return `namespace pattern "${printable(pattern)}" must not start with "kube-", which Kubernetes keeps for itself`;
  return undefined;
}

/** The namespace of staging `name` under `pattern`, or why it is none (too long, reserved). */
export function stagingNamespace(pattern: string, name: string): { namespace: string } | { problem: string } {
  const namespace = pattern.replaceAll('{name}', name);
  if (namespace.length > MAX_LABEL_LENGTH) return { problem: `namespace "${namespace}" (from the pattern "${pattern}") is longer than ${MAX_LABEL_LENGTH} characters; choose a shorter staging name` };
  if (!DNS_LABEL.test(namespace)) return { problem: `namespace "${printable(namespace)}" (from the pattern "${pattern}") is not a DNS label` };
  if (RESERVED_NAMESPACES.has(namespace) || namespace.startsWith('kube-')) return { problem: `namespace "${namespace}" belongs to Kubernetes; no staging may use it` };
  return { namespace };
}

/** The longest staging name `pattern` leaves room for in a namespace. */
export function longestNameFor(pattern: string | undefined): number {
  if (pattern === undefined) return MAX_LABEL_LENGTH;
  const count = pattern.split('{name}').length - 1;
  const fixed = pattern.length - count * '{name}'.length;
  return Math.max(1, Math.min(MAX_LABEL_LENGTH, Math.floor((MAX_LABEL_LENGTH - fixed) / Math.max(1, count))));
}
