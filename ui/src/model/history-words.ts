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

/**
 * The commit's subject with what moved: a promotion's resources and versions from its `* name from → to` lines
 * (`Promote dev → pp: shop/cart 1.5.2 → 1.5.1 (downgrade)`), a schedule's window in the viewer's time.
 */
export function historySummary(entry: Pick<HistoryEntry, 'type' | 'subject' | 'body'>): string {
  if (entry.type === 'Schedule') {
    return entry.subject.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z/g, (iso) => new Date(iso).toLocaleString(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }));
  }
  if (entry.type !== 'Transition') return entry.subject;
  const moves = entry.body
    .split('\n')
    .filter((line) => line.startsWith('* '))
    .map((line) => {
      const text = line.slice(2);
      const move = /^(\S+) (\S+) → (\S+)$/.exec(text);
      return move && isEarlier(move[3]!, move[2]!) ? `${text} (downgrade)` : text;
    });
  if (moves.length === 0) return entry.subject;
  const shown = moves.length > 3 ? [...moves.slice(0, 3), `and ${moves.length - 3} more`] : moves;
  return `${entry.subject}: ${shown.join(', ')}`;
}

/** True when both are dotted numbers and `a` comes before `b` (`1.5.1` before `1.5.2`); other versions are not compared. */
function isEarlier(a: string, b: string): boolean {
  const parse = (v: string) => (/^v?\d+(\.\d+)*$/.test(v) ? v.replace(/^v/, '').split('.').map(Number) : undefined);
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return false;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d < 0;
  }
  return false;
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
