// History entries in plain words, and which live commits belong on a filtered history page.
import type { CommitType, HistoryEntry } from '../api/wire.ts';

/** Commit types the history filter offers, with what each means to a reader. */
export const COMMIT_TYPE_WORDS: Record<CommitType, string> = {
  Version: 'version pushed',
  Transition: 'promoted',
  Schedule: 'schedule recorded',
  Lock: 'locked',
  Unlock: 'unlocked',
  Rollback: 'rolled back',
  Staging: 'staging changed',
  Manual: 'edited by hand',
};

/** What a commit did, e.g. `promoted`. */
export function describeType(type: CommitType): string {
  return COMMIT_TYPE_WORDS[type];
}

/** The filters of a history page. */
export interface HistoryFilter {
  env?: string;
  resource?: string;
  type?: string;
  staging?: string;
}

/** Whether a commit announced live belongs on a page with these filters. */
export function matchesHistoryFilter(entry: HistoryEntry, filter: HistoryFilter): boolean {
  if (filter.env && !entry.environments.includes(filter.env)) return false;
  if (filter.resource && !entry.resources.includes(filter.resource)) return false;
  if (filter.type && entry.type !== filter.type) return false;
  if (filter.staging && !entry.stagings?.includes(filter.staging)) return false;
  return true;
}
