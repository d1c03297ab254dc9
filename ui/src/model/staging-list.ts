// Which stagings the list shows: filtered by kind, by state in plain categories and by a search of name, tag and
// branch, active ones apart from archived ones.
import type { StagingView } from '../api/wire.ts';

/** The state filter of the list, in the categories people ask about. */
export type StagingStateFilter =
  /** Every staging. */
  | 'all'
  /** Active and reported running. */
  | 'running'
  /** Something is under way: created, updated, archived or cleaned up right now, or not reported yet. */
  | 'pending'
  /** The last step failed, the cleanup failed, or the file cannot be used. */
  | 'failed'
  /** Archived, or being cleaned up. */
  | 'archived';

/** The filter options in the order the list offers them, with their words. */
export const STATE_FILTERS: ReadonlyArray<{ value: StagingStateFilter; label: string }> = [
  { value: 'all', label: 'Every state' },
  { value: 'running', label: 'Running' },
  { value: 'pending', label: 'In progress' },
  { value: 'failed', label: 'Failed or held' },
  { value: 'archived', label: 'Archived' },
];

/** Tells whether `value` names a state filter (from a URL). */
export function isStateFilter(value: string): value is StagingStateFilter {
  return STATE_FILTERS.some((option) => option.value === value);
}

/** The list's filters, as the URL carries them. */
export interface StagingFilter {
  kind?: string;
  state?: StagingStateFilter;
  /** Part of a name, tag or branch, any case. */
  text?: string;
}

/** The stagings a filter keeps, active ones and archived ones apart, each in the order given (by name). */
export interface FilteredStagings {
  active: StagingView[];
  archived: StagingView[];
}

/** Applies `filter` to `stagings`. */
export function filterStagings(stagings: readonly StagingView[], filter: StagingFilter): FilteredStagings {
  const text = filter.text?.trim().toLowerCase() ?? '';
  const kept = stagings.filter(
    (staging) =>
      (!filter.kind || staging.kind === filter.kind) &&
      matchesState(staging, filter.state ?? 'all') &&
      (text === '' || [staging.name, staging.tag, staging.branch ?? ''].some((field) => field.toLowerCase().includes(text))),
  );
  return { active: kept.filter((staging) => staging.state === 'active'), archived: kept.filter((staging) => staging.state !== 'active') };
}

function matchesState(staging: StagingView, state: StagingStateFilter): boolean {
  switch (state) {
    case 'all':
      return true;
    case 'archived':
      return staging.state !== 'active';
    case 'running':
      return staging.state === 'active' && staging.phase === 'Running';
    case 'failed':
      return staging.phase === 'Failure' || staging.phase === 'CleanupFailed' || staging.phase === 'Held';
    case 'pending':
      return staging.phase === undefined || /Pending$/.test(staging.phase);
  }
}
