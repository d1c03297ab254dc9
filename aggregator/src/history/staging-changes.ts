// Who changed each staging last, and when, from the indexed history: fed with new commits like the version catalog,
// so the list of stagings never reads the history again.
import type { HistoryEntry, StagingAction, StagingChange, StagingHistoryEntry } from '@cascade/common/api';
import { STAGING_ACTIONS } from '@cascade/common/api';
import { trailerValues } from '@cascade/common/git';

/** The action of a staging commit from its `Cascade-Action` trailer; undefined for a person's commit or an unknown action. */
export function stagingActionOf(entry: HistoryEntry): StagingAction | undefined {
  if (entry.type !== 'Staging') return undefined;
  const action = trailerValues(entry.trailers, 'action')[0];
  return (STAGING_ACTIONS as readonly string[]).includes(action ?? '') ? (action as StagingAction) : undefined;
}

/** A history entry as a staging's history shows it. */
export function stagingHistoryEntry(entry: HistoryEntry): StagingHistoryEntry {
  const action = stagingActionOf(entry);
  const requestedBy = trailerValues(entry.trailers, 'requestedBy')[0];
  return { commit: entry.commit, time: entry.time, author: entry.author.name, ...(action ? { action } : {}), subject: entry.subject, ...(requestedBy ? { requestedBy } : {}) };
}

/** The newest change of every staging; fed with history entries oldest first. */
export class StagingChanges {
  private readonly last = new Map<string, StagingChange>();

  /** Records the stagings a commit changed. */
  record(entry: HistoryEntry): void {
    const action = stagingActionOf(entry);
    for (const name of entry.stagings ?? []) this.last.set(name, { commit: entry.commit, time: entry.time, author: entry.author.name, ...(action ? { action } : {}) });
  }

  /** The newest change of a staging, when it lies within the indexed history. */
  lastChange(name: string): StagingChange | undefined {
    return this.last.get(name);
  }

  /** Forgets stagings whose files are gone, so the map stays as small as the repo's set of stagings. */
  retain(names: ReadonlySet<string>): void {
    for (const name of this.last.keys()) if (!names.has(name)) this.last.delete(name);
  }

  /** Forgets everything (history was rewritten). */
  clear(): void {
    this.last.clear();
  }
}
