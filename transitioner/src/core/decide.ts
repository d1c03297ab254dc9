// The pure core: from a snapshot, the observations and the time, what each transition does. No I/O.
import { formatProblem, isLocked, nextSnapshot, noLocks, UneditableFileError, writeTransitionState, type ParseCache, type RepoFiles, type SnapshotWithFiles, type SkipReason, type Transition, type TransitionOutlook, type TransitionState } from '@cascade/common';
import { applyChanges, type FileChanges } from '@cascade/common/git';
import { carryVersionIndex, heldReport, planCopy, versionEntries, type CopyPlan, type HeldResource, type PlannedResource } from './copy-plan.ts';
import { versionHolds } from './held.ts';
import { isPipelineHold, pipelineHold } from './no-downgrade.ts';
import { carryObservations, type Observations } from './observations.ts';
import { outlookOf, roundCopyPlan } from './outlook.ts';
import { checkPreconditions } from './preconditions.ts';
import { scheduleWindow, stateFor, type ScheduleWindow } from './schedule-window.ts';

const STATE_FILE = 'transition_state.yaml';

/** A state-only change to transition_state.yaml that should be committed although nothing is promoted. */
export interface ScheduleRecord {
  changes: FileChanges;
  nextRun?: string;
}

/** What deciding one transition came to, before anything is written. */
export type TransitionDecision =
  /** Copy these files onto the target (with the schedule state, when scheduled) in one commit; `held` stay as they are there. */
  | { kind: 'Promote'; changes: FileChanges; resources: PlannedResource[]; held: HeldResource[] }
  /** Nothing to promote, for `reason`; `record` is a schedule state to commit (a new schedule, or a window used up by NoChange). */
  | { kind: 'Skipped'; reason: SkipReason; record?: ScheduleRecord }
  /** A precondition may hold soon; later transitions must wait so this one's source does not change underneath. */
  | { kind: 'Blocked'; message: string }
  /** A precondition failed; later transitions still run. */
  | { kind: 'CheckFailed'; message: string };

/** How a transition is being run. */
export interface DecideOptions {
  /** A person asked for this run: the schedule is ignored (and its window kept), locks and preconditions are not. */
  manual?: boolean;
  /** The copy plan the round made for this transition on the same snapshot and observations (for its outlook); not made again. */
  copy?: CopyPlan;
}

/** Decides one transition against one snapshot. */
export function decideTransition(transition: Transition, snapshot: SnapshotWithFiles, observed: Observations, now: Date, options: DecideOptions = {}): TransitionDecision {
  try {
    return decide(transition, snapshot, observed, now, options);
  } catch (error) {
    // A state file a person broke is theirs to fix; rewriting it would lose what they wrote.
    if (error instanceof UneditableFileError) return { kind: 'CheckFailed', message: `${STATE_FILE}: ${error.message}` };
    throw error;
  }
}

function decide(transition: Transition, snapshot: SnapshotWithFiles, observed: Observations, now: Date, options: DecideOptions): TransitionDecision {
  // 1. Schedule: outside a window nothing else matters (a new schedule records its first window).
  // Own entries only: a transition named `constructor` has no state until one is written for it.
  const state = Object.hasOwn(snapshot.transitionState, transition.name) ? snapshot.transitionState[transition.name] : undefined;
  const window = scheduleWindow(transition, state, now);
  const stateText = () => fileText(snapshot, STATE_FILE);
  if (window.kind === 'NotDue' && !options.manual) {
    const reason: SkipReason = { kind: 'Scheduled', ...(window.nextRun ? { nextRun: window.nextRun } : {}) };
    if (!window.initialize) return { kind: 'Skipped', reason };
    const changes = { [STATE_FILE]: writeTransitionState(stateText(), transition.name, window.initialize) };
    return { kind: 'Skipped', reason, record: { changes, ...(window.nextRun ? { nextRun: window.nextRun } : {}) } };
  }
  // 2. An env lock on the target stops the whole transition; resource locks only leave those resources out.
  const targetLocks = snapshot.environments.get(transition.target)?.locks ?? noLocks();
  if (isLocked({ envReasons: targetLocks.envReasons, resourceReasons: {} })) return { kind: 'Skipped', reason: { kind: 'TargetLocked', reasons: targetLocks.envReasons } };
  // 3. A source without version files is missing, not empty: mirroring it would wipe the target. One whose
  //    folders are broken is not missing: the copy holds what it cannot vouch for and says why.
  if (versionEntries(snapshot, transition.source).size === 0 && versionHolds(snapshot, transition.source).length === 0) return { kind: 'Skipped', reason: { kind: 'SourceMissing' } };
  // 4. Nothing to copy: a due window is used up all the same, so a version arriving later waits for the next one.
  //    Only held resources left is a failure to report, not NoChange: the source has a file a person must fix.
  //    Resources the no-downgrade rule keeps are expected: with nothing else to copy that is NoChange, naming them.
  const copy = options.copy ?? planCopy(snapshot, transition.source, transition.target, targetLocks, (name) => pipelineHold(snapshot, transition, name, observed, options));
  const broken = copy.held.filter((h) => !isPipelineHold(h.problem));
  if (copy.resources.length === 0 && broken.length > 0) return { kind: 'CheckFailed', message: heldMessage(transition, copy.held) };
  const used = window.kind === 'Due' && !options.manual ? window.used : undefined;
  if (copy.resources.length === 0) {
    const reason: SkipReason = { kind: 'NoChange', ...(copy.held.length > 0 ? { held: copy.held.map(heldReport) } : {}) };
    if (!used) return { kind: 'Skipped', reason };
    const changes = { [STATE_FILE]: writeTransitionState(stateText(), transition.name, used) };
    return { kind: 'Skipped', reason, record: { changes, ...(used.nextRun ? { nextRun: used.nextRun } : {}) } };
  }
  // 5. Preconditions: a failure goes on with the next transition, waiting stops the round.
  const verdict = checkPreconditions({ transition, observed, now });
  if (verdict.kind === 'Failed') return { kind: 'CheckFailed', message: verdict.message };
  if (verdict.kind === 'NotYet') return { kind: 'Blocked', message: verdict.message };
  // 6. Promote, recording the schedule in the same commit so a restart neither repeats nor loses the window.
  const stateChange = scheduleStateChange(transition, window, used, options.manual === true, now, stateText);
  return { kind: 'Promote', changes: { ...copy.changes, ...stateChange }, resources: copy.resources, held: copy.held };
}

/** Names the held resources, grouped by the problem that holds them (a broken folder can hold hundreds). */
function heldMessage(transition: Transition, held: readonly HeldResource[]): string {
  const byProblem = new Map<string, string[]>();
  for (const { name, problem } of held) {
    const key = formatProblem(problem);
    byProblem.set(key, [...(byProblem.get(key) ?? []), name]);
  }
  const clauses = [...byProblem].map(([problem, names]) => {
    const shown = names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
    return `${shown} ${names.length === 1 ? 'is' : 'are'} held (${transition.target} keeps what it has): ${problem}`;
  });
  return `nothing promoted: ${clauses.join('; ')}`;
}

/** One step of a round: a transition, what was decided, and the tree and observations it was decided on. */
export interface PlannedStep {
  transition: Transition;
  decision: TransitionDecision;
  /** The tree the decision was taken on: the fetched head plus the promotions planned before this one. */
  before: SnapshotWithFiles;
  observed: Observations;
}

/** The plan of one round: the steps in priority order up to and including a Blocked one, who waits behind it, and every transition's outlook. */
export interface RoundPlan {
  steps: PlannedStep[];
  /** Transitions not run because `behind` is blocked. */
  waiting: Array<{ transition: Transition; behind: string }>;
  /** Per transition name, its conditions and pending and held resources on the tree it was (or would have been) decided on. */
  outlooks: Map<string, TransitionOutlook>;
}

/**
 * Decides every transition in priority order. A planned promotion is applied to the tree in memory before
 * the next transition is decided, so `latest → dev` followed by `dev → pp` sees dev changed (and not yet
 * deployed). A Blocked transition ends the round: the transitions after it wait (their outlook is still given).
 */
export function decideTransitions(snapshot: SnapshotWithFiles, observed: Observations, now: Date, cache?: ParseCache): RoundPlan {
  const steps: PlannedStep[] = [];
  const outlooks = new Map<string, TransitionOutlook>();
  let current = snapshot;
  let facts = observed;
  let blocked: string | undefined;
  const waiting: RoundPlan['waiting'] = [];
  for (const transition of snapshot.transitions) {
    // One copy plan serves the outlook and the decision: both are made on this tree with these observations.
    const copy = roundCopyPlan(transition, current, facts);
    outlooks.set(transition.name, outlookOf(transition, current, facts, now, copy));
    if (blocked !== undefined) {
      waiting.push({ transition, behind: blocked });
      continue;
    }
    const decision = decideTransition(transition, current, facts, now, { copy });
    steps.push({ transition, decision, before: current, observed: facts });
    if (decision.kind === 'Blocked') {
      blocked = transition.name;
      continue;
    }
    const changes = decisionChanges(decision);
    if (changes) {
      const edited = applyChanges(current.files, changes);
      // The paths the edit changed spare the comparisons below a walk over both trees.
      const next: RepoFiles = { commit: '', files: edited.files, ...(current.files.commit === '' ? {} : { changes: { since: current.files.commit, paths: edited.paths } }) };
      carryVersionIndex(current.files, next.files, edited.paths);
      facts = carryObservations(facts, current.files, next, now);
      // Patched when the promotion only copied version files: the next transition reads the repo as this one leaves it.
      current = nextSnapshot(current, next, cache ? { cache } : {});
    }
  }
  return { steps, waiting, outlooks };
}

/** The file changes a decision asks to commit: a promotion's, or a skip's schedule record; undefined for none. */
export function decisionChanges(decision: TransitionDecision): FileChanges | undefined {
  if (decision.kind === 'Promote') return decision.changes;
  return decision.kind === 'Skipped' ? decision.record?.changes : undefined;
}

/** The state file change a promotion carries: the used window, or for a manual run of a scheduled transition only `lastRun`. */
function scheduleStateChange(transition: Transition, window: ScheduleWindow, used: TransitionState | undefined, manual: boolean, now: Date, stateText: () => string | undefined): FileChanges {
  if (used) return { [STATE_FILE]: writeTransitionState(stateText(), transition.name, used) };
  if (!manual || window.kind === 'Unscheduled') return {};
  // A manual run keeps the coming window (an open one, or the next, recomputed if the rule changed): it promotes
  // now, and the window still runs (often as NoChange).
  const coming = window.kind === 'Due' ? window.since : window.nextRun;
  return { [STATE_FILE]: writeTransitionState(stateText(), transition.name, stateFor(transition, coming, now.toISOString())) };
}

/** A file's text in the snapshot, or undefined when absent or unreadable. */
function fileText(snapshot: SnapshotWithFiles, path: string): string | undefined {
  const content = snapshot.files.files.get(path)?.content;
  return content ? new TextDecoder().decode(content) : undefined;
}
