// History entries in plain words, and which live commits belong on a filtered history page.
import { moveWords } from '@cascade/common/api';
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

/**
 * The commit's subject with what moved: a promotion's resources and versions as the aggregator read them, marked
 * `(downgrade)` where a version that entered the pipeline earlier replaced a later one
 * (`Promote dev → pp: shop/cart 1.5.2 → 1.5.1 (downgrade)`), and a schedule's window in the viewer's time.
 * `timeZone` only for tests (default: the browser's).
 */
export function historySummary(entry: Pick<HistoryEntry, 'type' | 'subject' | 'moves'>, timeZone?: string): string {
  if (entry.type === 'Schedule') return entry.subject.replace(ISO_TIME, (iso) => windowWords(iso, timeZone));
  const moves = (entry.type === 'Transition' ? (entry.moves ?? []) : []).map(moveWords);
  if (moves.length === 0) return entry.subject;
  const shown = moves.length > 3 ? [...moves.slice(0, 3), `and ${moves.length - 3} more`] : moves;
  return `${entry.subject}: ${shown.join(', ')}`;
}

/** An ISO time in UTC as the transitioner writes it into a schedule commit's subject. */
const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z/g;

/** `Thu 3 Dec 06:00` in the viewer's zone: a window is read against the viewer's own clock, not UTC. */
function windowWords(iso: string, timeZone?: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  return new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...(timeZone ? { timeZone } : {}) }).format(time).replace(',', '');
}

/** The filters of a history page. */
export interface HistoryFilter {
  env?: string;
  resource?: string;
  type?: string;
  /** A commit type left out, e.g. `Schedule`. */
  excludeType?: string;
  staging?: string;
}

/** Whether a commit announced live belongs on a page with these filters. */
export function matchesHistoryFilter(entry: HistoryEntry, filter: HistoryFilter): boolean {
  if (filter.env && !entry.environments.includes(filter.env)) return false;
  if (filter.resource && !entry.resources.includes(filter.resource)) return false;
  if (filter.type && entry.type !== filter.type) return false;
  if (filter.excludeType && entry.type === filter.excludeType) return false;
  if (filter.staging && !entry.stagings?.includes(filter.staging)) return false;
  return true;
}
