// Carrying out decisions: each write decides its transition once, on the head it is written onto, so a moved head is never overwritten blindly.
import type { PromotedResource, SnapshotWithFiles, Transition, TransitionResult } from '@cascade/common';
import type { Author, GitRepo, TreeEdit, WriteResult } from '@cascade/common/git';
import { promotionMessage, promotionTrailers, scheduleMessage, scheduleTrailers, type Changelogs } from '../core/commit-message.ts';
import { heldReport } from '../core/copy-plan.ts';
import { decideTransition, type PlannedStep, type TransitionDecision } from '../core/decide.ts';
import { carryObservations } from '../core/observations.ts';
import { collectChangelogs } from '../history/changelog.ts';

/** What executing one step came to: the result to report and the commit the branch is at afterwards. */
export interface ExecutedStep {
  result: TransitionResult;
  /** The branch head after this step (the new commit, or the one before when nothing was written). */
  tip: string;
}

/** What a write needs besides the step. */
export interface ExecuteContext {
  repo: Pick<GitRepo, 'write' | 'log'>;
  /** Reads a commit the repo has (the fetched head, or one the write queue saw when the head moved). */
  read: (commit: string) => Promise<SnapshotWithFiles>;
  now: Date;
  /** Author of the commit; default the repo's Cascade identity. */
  author?: Author;
  /** A person asked for this run (the schedule is ignored). */
  manual?: boolean;
}

/** How often a step decides again after the branch moved under its write before the round gives up. */
const MAX_MOVED_HEADS = 5;

/** Thrown inside a write function when the branch moved since the decision: the step must decide on the new head. */
class HeadMovedError extends Error {
  constructor(readonly head: string) {
    super(`the branch moved to ${head} while the transition was being written`);
    this.name = 'HeadMovedError';
  }
}

/**
 * Executes one planned step. Decisions without a write become results directly. A promotion (or a schedule
 * record) is decided once on the head it is written onto (the planned decision when that is the head it was
 * planned on), with that decision's changelogs; if the branch moved meanwhile, the write is dropped and the
 * step decides again on the new head, so a concurrent push can turn it into a NoChange or a Blocked but never
 * into a duplicate or a stale promotion.
 */
export async function executeStep(step: PlannedStep, tip: string, context: ExecuteContext): Promise<ExecutedStep> {
  if (step.decision.kind === 'Blocked' || step.decision.kind === 'CheckFailed') return { result: step.decision, tip };
  if (step.decision.kind === 'Skipped' && !step.decision.record) return { result: { kind: 'Skipped', reason: step.decision.reason }, tip };
  let head = tip;
  for (let attempt = 1; ; attempt++) {
    const snapshot = await context.read(head);
    const decision = decideOn(step, snapshot, context);
    if (decision.kind === 'Blocked' || decision.kind === 'CheckFailed') return { result: decision, tip: head };
    if (decision.kind === 'Skipped' && !decision.record) return { result: { kind: 'Skipped', reason: decision.reason }, tip: head };
    const changelogs = decision.kind === 'Promote' ? await collectChangelogs(context.repo, head, decision.resources) : new Map<string, string>();
    try {
      const written = await context.repo.write((current) => {
        if (current.commit !== snapshot.commit) throw new HeadMovedError(current.commit);
        return editFor(step.transition, decision, changelogs, context.author);
      });
      return resultOf(decision, written);
    } catch (error) {
      if (!(error instanceof HeadMovedError) || attempt >= MAX_MOVED_HEADS) throw error;
      head = error.head;
    }
  }
}

/** The step's transition decided on `snapshot`: the planned decision when it is the tree planned on, else decided there with the observations that still hold. */
function decideOn(step: PlannedStep, snapshot: SnapshotWithFiles, context: ExecuteContext): TransitionDecision {
  if (snapshot.commit === step.before.commit) return step.decision;
  const transition = snapshot.transitions.find((t) => t.name === step.transition.name);
  if (!transition) return { kind: 'Blocked', message: `transition ${step.transition.name} is no longer in transitions.yaml` };
  const observed = carryObservations(step.observed, step.before.files, snapshot.files, context.now);
  return decideTransition(transition, snapshot, observed, context.now, { manual: context.manual === true });
}

/** What a written decision comes to. */
function resultOf(decision: TransitionDecision, written: WriteResult): ExecutedStep {
  if (decision.kind === 'Promote') {
    if (written.kind === 'committed') {
      const held = decision.held.map(heldReport);
      return { result: { kind: 'Success', commit: written.commit, promoted: decision.resources.map(promoted), ...(held.length > 0 ? { held } : {}) }, tip: written.commit };
    }
    return { result: { kind: 'Skipped', reason: { kind: 'NoChange' } }, tip: written.commit };
  }
  if (decision.kind === 'Skipped') return { result: { kind: 'Skipped', reason: decision.reason }, tip: written.commit };
  return { result: decision, tip: written.commit };
}

/** The commit a decision asks for, or null when it asks for none. */
function editFor(transition: Transition, decision: TransitionDecision, changelogs: Changelogs, author: Author | undefined): TreeEdit | null {
  const by = author ? { author } : {};
  if (decision.kind === 'Promote') {
    return { changes: decision.changes, message: promotionMessage(transition, decision.resources, changelogs, decision.held), trailers: promotionTrailers(transition, decision.resources), ...by };
  }
  if (decision.kind === 'Skipped' && decision.record) {
    return { changes: decision.record.changes, message: scheduleMessage(transition, decision.record.nextRun), trailers: scheduleTrailers(transition), ...by };
  }
  return null;
}

/** The wire form of a planned resource, without the blob ids only the shell needs. */
function promoted(resource: PromotedResource): PromotedResource {
  return { name: resource.name, change: resource.change, ...(resource.from !== undefined ? { from: resource.from } : {}), ...(resource.to !== undefined ? { to: resource.to } : {}) };
}
