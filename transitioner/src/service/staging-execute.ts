// Carrying out the staging lifecycle: each due step its own commit, written only onto the version of the file it was decided on.
import type { SnapshotWithFiles } from '@cascade/common';
import type { GitRepo } from '@cascade/common/git';
import { decideStaging, decideStagingLifecycle, type LifecycleAction, type LifecycleDecision, type StagingObservations, type StagingPlan } from '../core/staging-lifecycle.ts';
import { stagingTrailers } from '../core/staging-messages.ts';

/** The file every lifecycle decision also depends on: the kinds with their `archiveAfter` and `retention`. */
const KINDS_FILE = 'stagings.yaml';

/** How often a step decides again after its file changed under its write before the round gives up. */
const MAX_MOVED_FILES = 5;

/** What the lifecycle needs besides the tip. */
export interface LifecycleContext {
  repo: Pick<GitRepo, 'write'>;
  /** Reads a commit the repo has (the tip, or one the write queue saw when the file moved). */
  read: (commit: string) => Promise<SnapshotWithFiles>;
  /** The lifecycle's observations for a snapshot (git facts, and the deployer's answer of this round). */
  observe: (snapshot: SnapshotWithFiles) => Promise<StagingObservations>;
  now: Date;
}

/** A lifecycle commit this round made. */
export interface StagingAction {
  name: string;
  action: LifecycleAction;
  commit: string;
}

/** What the lifecycle did in a round: its commits, and every staging's next step as the branch is afterwards. */
export interface LifecycleReport {
  actions: StagingAction[];
  /** Decided on the final tip, for the status and the next wake-up. */
  plans: StagingPlan[];
  tip: string;
}

/** Thrown inside a write function when the staging's file or the kinds changed since the decision: it must be decided again. */
class StagingMovedError extends Error {
  constructor(readonly head: string) {
    super(`the staging file or stagings.yaml changed (head ${head}) while a lifecycle step was being written`);
    this.name = 'StagingMovedError';
  }
}

/** Decides every staging on `tip`, commits each due step in name order, and decides again on the result. Stops between commits when `signal` aborts. */
export async function runStagingLifecycle(tip: string, context: LifecycleContext, signal?: AbortSignal): Promise<LifecycleReport> {
  const snapshot = await context.read(tip);
  const plans = decideStagingLifecycle(snapshot, await context.observe(snapshot), context.now);
  const actions: StagingAction[] = [];
  let head = tip;
  for (const { staging, decision } of plans) {
    if (signal?.aborted) break;
    if (decision.kind !== 'Act') continue;
    const done = await executeStagingStep(staging.name, snapshot, decision, context);
    head = done.commit;
    if (done.action) actions.push({ name: staging.name, action: done.action, commit: done.commit });
  }
  const final = head === tip ? snapshot : await context.read(head);
  const after = head === tip && actions.length === 0 ? plans : decideStagingLifecycle(final, await context.observe(final), context.now);
  return { actions, plans: after, tip: head };
}

/**
 * Writes one due step. The write goes onto whatever head the remote has, as long as the staging's file and
 * stagings.yaml are the ones decided on: commits to other files are kept under it. If either changed, the step is
 * decided again on the new head (a person updated the staging: it is no longer due), never written blindly.
 * Returns the branch head afterwards, and the action when it committed one.
 */
async function executeStagingStep(name: string, planned: SnapshotWithFiles, first: LifecycleDecision, context: LifecycleContext): Promise<{ commit: string; action?: LifecycleAction }> {
  let snapshot = planned;
  let decision = first;
  for (let attempt = 1; ; attempt++) {
    const staging = snapshot.stagings.get(name);
    // Gone, or no longer due on the new head (updated, restored, its kind changed): nothing to write.
    if (staging === undefined || decision.kind !== 'Act') return { commit: snapshot.commit };
    const { file, blob } = staging;
    const kinds = snapshot.files.files.get(KINDS_FILE)?.oid;
    const act = decision;
    try {
      const written = await context.repo.write((current) => {
        if (current.files.get(file)?.oid !== blob || current.files.get(KINDS_FILE)?.oid !== kinds) throw new StagingMovedError(current.commit);
        return { changes: act.changes, message: act.message, trailers: stagingTrailers(name, act.action) };
      });
      return written.kind === 'committed' ? { commit: written.commit, action: act.action } : { commit: written.commit };
    } catch (error) {
      if (!(error instanceof StagingMovedError) || attempt >= MAX_MOVED_FILES) throw error;
      snapshot = await context.read(error.head);
      const moved = snapshot.stagings.get(name);
      if (moved === undefined) return { commit: snapshot.commit };
      decision = decideStaging(moved, snapshot, await context.observe(snapshot), context.now);
    }
  }
}
