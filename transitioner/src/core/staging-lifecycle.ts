// The staging lifecycle, decided without I/O: archive what nobody updated, clean up what was kept long enough, remove what the target cleaned up.
import { formatProblem, UneditableFileError, writeStagingFile, type SnapshotWithFiles, type Staging, type StagingFilePatch, type StagingKind } from '@cascade/common';
import type { FileChanges } from '@cascade/common/git';
import type { DeployerView } from './observations.ts';
import { archiveMessage, cleanupMessage, removeMessage, type SinceSource } from './staging-messages.ts';

/** A step of the lifecycle, named as in the `Cascade-Action` trailer. */
export type LifecycleAction = 'archive' | 'cleanup' | 'remove';

/** What the shell found out for the lifecycle (git history, the deployer), as plain values. */
export interface StagingObservations {
  deployer: DeployerView;
  /**
   * Per staging name, the commit time of the newest first-parent commit that changed its file. Looked up only for
   * the stagings `needsChangeTime` names: the file carries no time of its own for the step that counts from it.
   */
  changedAt: ReadonlyMap<string, Date>;
  /**
   * Stagings whose deployer report describes their file as it is in the snapshot: reported from a commit at which the
   * file was the same, or without a commit. Looked up only for stagings marked for cleanup that the deployer reports
   * `CleanedUp`, so a confirmation of an earlier version of the file never removes a later one.
   */
  reportedAtHead: ReadonlySet<string>;
}

/** What the lifecycle asks for one staging. */
export type LifecycleDecision =
  /** Due now: commit `changes` with `message`; `at` is when it fell due (absent for a removal, which waits for no time). */
  | { kind: 'Act'; action: LifecycleAction; changes: FileChanges; message: string; at?: Date }
  /** `action` falls due at `at`, unless the file changes meanwhile. */
  | { kind: 'Later'; action: 'archive' | 'cleanup'; at: Date }
  /** The removal waits for the deployer to confirm the cleanup; `reason` says what it reported instead. */
  | { kind: 'Waiting'; action: 'remove'; reason: string }
  /** No step planned: an active staging of a kind without `archiveAfter`. */
  | { kind: 'Idle' }
  /** Nothing is done until a person acts (a problem in the file, an unknown kind, a file Cascade cannot edit); `action` is the step it holds up. */
  | { kind: 'Stuck'; action?: LifecycleAction; problem: string };

/** One staging and what was decided for it. */
export interface StagingPlan {
  staging: Staging;
  decision: LifecycleDecision;
}

/** Decides every staging of the snapshot, in name order. */
export function decideStagingLifecycle(snapshot: SnapshotWithFiles, observed: StagingObservations, now: Date): StagingPlan[] {
  return [...snapshot.stagings.values()].map((staging) => ({ staging, decision: decideStaging(staging, snapshot, observed, now) }));
}

/** True when deciding `staging` needs the time its file last changed: an active one of a kind that archives without `updatedAt`, or an archived one without `archivedAt`. */
export function needsChangeTime(staging: Staging, kind: StagingKind | undefined): boolean {
  if (kind === undefined || (staging.problems?.length ?? 0) > 0) return false;
  if (staging.state === 'active') return kind.archiveAfterMs !== undefined && staging.updatedAt === undefined;
  return staging.state === 'archived' && staging.archivedAt === undefined;
}

/** Decides one staging. */
export function decideStaging(staging: Staging, snapshot: SnapshotWithFiles, observed: StagingObservations, now: Date): LifecycleDecision {
  // A broken file must never read as "archive it" or "gone": it stays as it is until someone fixes it.
  const problems = staging.problems ?? [];
  if (problems.length > 0) return { kind: 'Stuck', problem: formatProblem(problems[0]!) + (problems.length > 1 ? ` (and ${problems.length - 1} more)` : '') };
  const kind = snapshot.stagingKinds.get(staging.kind);
  if (kind === undefined) return { kind: 'Stuck', problem: `stagings.yaml has no usable kind "${staging.kind}"` };
  if (staging.state === 'active') return decideActive(staging, kind, snapshot, observed, now);
  if (staging.state === 'archived') return decideArchived(staging, kind, snapshot, observed, now);
  return decideCleanup(staging, kind, observed);
}

/** An active staging is archived once nobody updated it for its kind's `archiveAfter`. */
function decideActive(staging: Staging, kind: StagingKind, snapshot: SnapshotWithFiles, observed: StagingObservations, now: Date): LifecycleDecision {
  if (kind.archiveAfterMs === undefined) return { kind: 'Idle' };
  const since = sinceOf(staging, 'updatedAt', observed);
  if (!since) return { kind: 'Stuck', action: 'archive', problem: `cannot tell when ${staging.file} was last updated: it has no updatedAt and no commit on the branch changed it` };
  const at = new Date(since.time.getTime() + kind.archiveAfterMs);
  if (now < at) return { kind: 'Later', action: 'archive', at };
  return edit(staging, snapshot, 'archive', { state: 'archived', archivedAt: now.toISOString() }, archiveMessage(staging.name, kind, since), at);
}

/** An archived staging is marked for cleanup once its kind's `retention` has passed since it was archived. */
function decideArchived(staging: Staging, kind: StagingKind, snapshot: SnapshotWithFiles, observed: StagingObservations, now: Date): LifecycleDecision {
  const since = sinceOf(staging, 'archivedAt', observed);
  if (!since) return { kind: 'Stuck', action: 'cleanup', problem: `cannot tell when ${staging.name} was archived: ${staging.file} has no archivedAt and no commit on the branch changed it` };
  const at = new Date(since.time.getTime() + kind.retentionMs);
  if (now < at) return { kind: 'Later', action: 'cleanup', at };
  return edit(staging, snapshot, 'cleanup', { state: 'cleanup' }, cleanupMessage(staging.name, kind, since), at);
}

/** A staging marked for cleanup is removed from the repo once the deployer confirms the target cleaned it up: before that, the file is all that keeps the cleanup going. */
function decideCleanup(staging: Staging, kind: StagingKind, observed: StagingObservations): LifecycleDecision {
  const waiting = (reason: string): LifecycleDecision => ({ kind: 'Waiting', action: 'remove', reason });
  if (observed.deployer.kind === 'Unreachable') return waiting(`the deployer could not be asked: ${observed.deployer.message}`);
  const reported = observed.deployer.status.stagings;
  if (reported === undefined) return waiting('the deployer does not report stagings');
  const status = reported.find((s) => s.name === staging.name);
  if (status === undefined) return waiting(`the deployer has not reported ${staging.name} yet`);
  if (status.phase !== 'CleanedUp') return waiting(`the deployer reports ${status.phase}${status.reason ? `: ${status.reason}` : ''}`);
  // A kind moved to another target since: what the old one cleaned up says nothing about the new one.
  if (status.target !== undefined && status.target !== kind.target) return waiting(`the deployer reports the cleanup on target ${status.target}, but kind ${kind.name} now names ${kind.target}`);
  if (!observed.reportedAtHead.has(staging.name)) return waiting(`the deployer confirmed the cleanup of an earlier version of ${staging.file}`);
  return { kind: 'Act', action: 'remove', changes: { [staging.file]: null }, message: removeMessage(staging.name, status.commit) };
}

/** When the step's clock started: the file's own field, else the last commit that changed the file. */
function sinceOf(staging: Staging, field: 'updatedAt' | 'archivedAt', observed: StagingObservations): { time: Date; source: SinceSource } | undefined {
  const own = staging[field];
  if (own !== undefined) return { time: new Date(own), source: field };
  const changed = observed.changedAt.get(staging.name);
  return changed === undefined ? undefined : { time: changed, source: 'commit' };
}

/** The edit of a staging file as one step, or Stuck when the file cannot be edited without breaking it (a SOPS MAC over plain values, broken YAML). */
function edit(staging: Staging, snapshot: SnapshotWithFiles, action: LifecycleAction, patch: StagingFilePatch, message: string, at: Date): LifecycleDecision {
  const content = snapshot.files.files.get(staging.file)?.content;
  if (content === undefined) return { kind: 'Stuck', action, problem: `${staging.file} cannot be read` };
  try {
    const text = writeStagingFile(new TextDecoder().decode(content), patch);
    return { kind: 'Act', action, changes: { [staging.file]: text }, message, at };
  } catch (error) {
    // Retrying cannot help: a person has to fix or re-encrypt the file, and the status says so until then.
    if (error instanceof UneditableFileError) return { kind: 'Stuck', action, problem: `${staging.file}: ${error.message}` };
    throw error;
  }
}
