// Who locked what and when: the lock commit that added each reason, found in the environment's history (a lock's
// reason is the body of its commit), so a lock in a header or card says who to ask.
import type { HistoryEntry } from '../api/wire.ts';

/** Who added a lock reason and when (ISO 8601). */
export interface LockOrigin {
  by: string;
  time: string;
}

/**
 * For each reason, the newest Lock commit (entries newest first) that added it: its body is the reason, and it locked
 * `resource`, or the whole environment when `resource` is undefined. Reasons without one (older than the page, or
 * written by hand) are left out.
 */
export function lockOrigins(entries: readonly HistoryEntry[], reasons: readonly string[], resource?: string): Map<string, LockOrigin> {
  const found = new Map<string, LockOrigin>();
  for (const reason of reasons) {
    const entry = entries.find(
      (candidate) => candidate.type === 'Lock' && candidate.body.trim() === reason && (resource === undefined ? candidate.resources.length === 0 : candidate.resources.includes(resource)),
    );
    if (entry) found.set(reason, { by: entry.author.name, time: entry.time });
  }
  return found;
}
