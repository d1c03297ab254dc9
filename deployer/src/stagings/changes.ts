// Which stagings changed between two statuses, and whether any is still on its way: the triggers for telling the
// peers and for looking again soon. No I/O.
import type { DeployerStatus, StagingPhase } from '@cascade/common';

/** Names of stagings whose phase or commit differs, including ones that appeared or went away. */
export function changedStagings(before: DeployerStatus, after: DeployerStatus): string[] {
  const previous = new Map((before.stagings ?? []).map((s) => [s.name, s]));
  const changed = (after.stagings ?? []).filter((s) => {
    const was = previous.get(s.name);
    return was === undefined || was.phase !== s.phase || was.commit !== s.commit;
  }).map((s) => s.name);
  const kept = new Set((after.stagings ?? []).map((s) => s.name));
  return [...changed, ...(before.stagings ?? []).filter((s) => !kept.has(s.name)).map((s) => s.name)];
}

/** Phases that end by themselves (a rollout, pods going, a namespace being deleted), which nothing but a look reports. */
const ON_THE_WAY: ReadonlySet<StagingPhase> = new Set(['CreatePending', 'UpdatePending', 'ArchivePending', 'CleanupPending']);

/** Whether any staging is still on its way, so the next look should come sooner than the poll. */
export function stagingsOnTheWay(status: DeployerStatus): boolean {
  return (status.stagings ?? []).some((s) => ON_THE_WAY.has(s.phase) && !s.errors.some((e) => e.code === 'target-unreachable'));
}
