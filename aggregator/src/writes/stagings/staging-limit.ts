// Which stagings count against their kind's `limit`: the one rule the write checks and the list shows.
import type { Staging } from '@cascade/common';

/**
 * Whether a staging takes one of its kind's places: it runs (active), or it is archived but the deployer still
 * reports its archive as pending, so its workloads have not been removed yet.
 */
export function countsAgainstLimit(staging: Pick<Staging, 'name' | 'state'>, archivePending: ReadonlySet<string>): boolean {
  return staging.state === 'active' || (staging.state === 'archived' && archivePending.has(staging.name));
}

/** How many of `stagings` of kind `kind` count against its limit, leaving out `except` (the staging being written). */
export function countedStagings(stagings: Iterable<Pick<Staging, 'name' | 'kind' | 'state'>>, kind: string, archivePending: ReadonlySet<string>, except?: string): string[] {
  const counted: string[] = [];
  for (const staging of stagings) if (staging.kind === kind && staging.name !== except && countsAgainstLimit(staging, archivePending)) counted.push(staging.name);
  return counted.sort();
}
