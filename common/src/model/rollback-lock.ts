// The lock a rollback leaves: written by the aggregator, read by the transitioner and the dashboard to say why a
// resource is held. One format in one place, so the reader recognises exactly what the writer wrote.

const PREFIX = 'rolled back to ';
const BY = ' by ';

/** The lock reason a rollback leaves, e.g. `rolled back to 1.5.1 by alice`, so people see who pinned what. */
export function rollbackLockReason(version: string, requester: string): string {
  return `${PREFIX}${version}${BY}${requester}`;
}

/** The version a rollback lock reason names, or undefined when the reason is not a rollback's. */
export function rolledBackTo(reason: string): string | undefined {
  if (!reason.startsWith(PREFIX)) return undefined;
  const end = reason.indexOf(BY, PREFIX.length);
  return end > PREFIX.length ? reason.slice(PREFIX.length, end) : undefined;
}

/** The version of the first rollback lock among a resource's lock reasons, or undefined when none is a rollback's. */
export function rollbackLockOf(reasons: readonly string[] | undefined): { version: string; reason: string } | undefined {
  for (const reason of reasons ?? []) {
    const version = rolledBackTo(reason);
    if (version !== undefined) return { version, reason };
  }
  return undefined;
}
