// The commit messages and trailers of staging lifecycle commits, worded like the aggregator's staging commits: the subject says why, the body from when it counted.
import type { StagingKind } from '@cascade/common';
import { formatDuration } from '@cascade/common/config';
import { cascadeTrailers } from '@cascade/common/git';
import type { LifecycleAction } from './staging-lifecycle.ts';

/** Where a lifecycle step's clock started: the file's own field, or the last commit that changed the file (a hand-written file without one). */
export type SinceSource = 'updatedAt' | 'archivedAt' | 'commit';

/** Trailers of a lifecycle commit: `Cascade-Type: Staging`, the staging and the action. */
export function stagingTrailers(name: string, action: LifecycleAction): Array<[string, string]> {
  return cascadeTrailers('Staging', { staging: name, action });
}

/** `Archive staging feature-x: not updated for 7d`, and in the body since when. */
export function archiveMessage(name: string, kind: StagingKind, since: { time: Date; source: SinceSource }): string {
  return [`Archive staging ${name}: not updated for ${formatDuration(kind.archiveAfterMs ?? 0)}`, '', `Kind ${kind.name} archives a staging nobody updated for ${formatDuration(kind.archiveAfterMs ?? 0)}; ${name} was last updated ${describe(since)}.`].join('\n');
}

/** `Clean up staging feature-x: archived for 14d`, and in the body since when. */
export function cleanupMessage(name: string, kind: StagingKind, since: { time: Date; source: SinceSource }): string {
  return [`Clean up staging ${name}: archived for ${formatDuration(kind.retentionMs)}`, '', `Kind ${kind.name} keeps an archived staging for ${formatDuration(kind.retentionMs)}; ${name} was archived ${describe(since)}.`].join('\n');
}

/** `Remove staging feature-x: cleaned up`, naming the commit the deployer cleaned it up from when it said. */
export function removeMessage(name: string, deployedFrom: string | undefined): string {
  return [`Remove staging ${name}: cleaned up`, '', `The deployer confirmed that the target removed everything of ${name}${deployedFrom ? ` (at ${deployedFrom.slice(0, 12)})` : ''}.`].join('\n');
}

/** `2024-01-01T00:00:00.000Z (updatedAt)` or `… (the last commit changing its file)`. */
function describe(since: { time: Date; source: SinceSource }): string {
  const source = since.source === 'commit' ? 'the last commit changing its file' : since.source;
  return `${since.time.toISOString()} (${source})`;
}
