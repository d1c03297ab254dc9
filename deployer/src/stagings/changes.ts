// Whether a staging's status changed, and whether any is still on its way: the triggers for telling the peers and
// for looking again soon. No I/O.
import type { DeployerStatus, StagingPhase, StagingStatus } from '@cascade/common';

/** Whether a staging's status is news to the peers: it appeared, went away, or its phase or commit differs. */
export function stagingChanged(before: StagingStatus | undefined, after: StagingStatus | undefined): boolean {
  if (before === undefined || after === undefined) return before !== after;
  return before.phase !== after.phase || before.commit !== after.commit;
}

/** Phases that end by themselves (a rollout, pods going, a namespace being deleted), which nothing but a look reports. */
const ON_THE_WAY: ReadonlySet<StagingPhase> = new Set(['CreatePending', 'UpdatePending', 'ArchivePending', 'CleanupPending']);

/** Whether any staging is still on its way, so the next look should come sooner than the poll. */
export function stagingsOnTheWay(status: DeployerStatus): boolean {
  return (status.stagings ?? []).some((s) => ON_THE_WAY.has(s.phase) && !s.errors.some((e) => e.code === 'target-unreachable'));
}
