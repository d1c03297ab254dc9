// Carrying out decisions: each write re-decides its transition on the newest head, so a moved head is never overwritten blindly.
import { parseSnapshot, type ParseCache, type PromotedResource, type RepoFiles, type Transition, type TransitionResult } from '@cascade/common';
import type { Author, GitRepo, TreeEdit } from '@cascade/common/git';
import { promotionMessage, promotionTrailers, scheduleMessage, scheduleTrailers, type Changelogs } from '../core/commit-message.ts';
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
  now: Date;
  cache?: ParseCache;
  /** Author of the commit; default the repo's Cascade identity. */
  author?: Author;
  /** A person asked for this run (the schedule is ignored). */
  manual?: boolean;
}

/**
 * Executes one planned step. Decisions without a write become results directly. A promotion (or a schedule
 * record) goes through the shared write path: its write function parses the newest head, carries over only
 * the observations still valid there, and decides again, so a concurrent push can turn it into a NoChange
 * or a Blocked but never into a duplicate or a stale promotion.
 */
export async function executeStep(step: PlannedStep, tip: string, context: ExecuteContext): Promise<ExecutedStep> {
  const { decision } = step;
  if (decision.kind === 'Blocked' || decision.kind === 'CheckFailed') return { result: decision, tip };
  if (decision.kind === 'Skipped' && !decision.record) return { result: { kind: 'Skipped', reason: decision.reason }, tip };
  const changelogs = decision.kind === 'Promote' ? await collectChangelogs(context.repo, tip, decision.resources) : new Map<string, string>();
  // The write function may run more than once (a moved head); the decision of its last run is what was committed.
  const latest: { decision: TransitionDecision } = { decision };
  const written = await context.repo.write((current) => {
    latest.decision = redecide(step, current, context);
    return editFor(step.transition, latest.decision, changelogs, context.author);
  });
  const final = latest.decision;
  if (final.kind === 'Promote') {
    if (written.kind === 'committed') {
      const held = final.held.map(({ name, problem }) => ({ name, file: problem.file, code: problem.code, message: problem.message }));
      return { result: { kind: 'Success', commit: written.commit, promoted: final.resources.map(promoted), ...(held.length > 0 ? { held } : {}) }, tip: written.commit };
    }
    return { result: { kind: 'Skipped', reason: { kind: 'NoChange' } }, tip: written.commit };
  }
  if (final.kind === 'Skipped') return { result: { kind: 'Skipped', reason: final.reason }, tip: written.commit };
  return { result: final, tip: written.commit };
}

/** The step's transition decided again on `current`, with the observations that still hold there. */
function redecide(step: PlannedStep, current: RepoFiles, context: ExecuteContext): TransitionDecision {
  const snapshot = parseSnapshot(current, context.cache ? { cache: context.cache } : {});
  const transition = snapshot.transitions.find((t) => t.name === step.transition.name);
  if (!transition) return { kind: 'Blocked', message: `transition ${step.transition.name} is no longer in transitions.yaml` };
  const observed = carryObservations(step.observed, step.before.files, current, context.now);
  return decideTransition(transition, snapshot, observed, context.now, { manual: context.manual === true });
}

/** The commit a decision asks for, or null when it asks for none. */
function editFor(transition: Transition, decision: TransitionDecision, changelogs: Changelogs, author: Author | undefined): TreeEdit | null {
  const by = author ? { author } : {};
  if (decision.kind === 'Promote') {
    return { changes: decision.changes, message: promotionMessage(transition, decision.resources, changelogs, decision.held), trailers: promotionTrailers(transition), ...by };
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
