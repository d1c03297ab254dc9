// The transitioner's status as it travels over the wire: what the aggregator and the UI read from `GET /status`.

/** Why a transition ran without promoting anything. */
export type SkipReason =
  /** The schedule's next window has not opened yet; `nextRun` is absent when the schedule never fires again. */
  | { kind: 'Scheduled'; nextRun?: string }
  /** The target environment is locked (env lock), with the lock's reasons. */
  | { kind: 'TargetLocked'; reasons: string[] }
  /** The source environment does not exist or has no version files, so there is nothing to mirror. */
  | { kind: 'SourceMissing' }
  /**
   * The target already has every version of the source it may take (locked resources aside); `held` names the
   * differences kept back by the no-downgrade rule (a rollback in the source, an earlier version), when there are any.
   */
  | { kind: 'NoChange'; held?: HeldResourceReport[] };

/** One resource a promotion changed in the target. */
export interface PromotedResource {
  /** Resource name, e.g. `shop/cart`. */
  name: string;
  /** Whether the version file is new in the target, changed there, or removed because the source no longer has it. */
  change: 'added' | 'changed' | 'removed';
  /** Version the target had before, when it had a readable one. */
  from?: string;
  /** Version the target has now, when it has a readable one. */
  to?: string;
}

/**
 * A resource a promotion left as it was in the target: the source cannot vouch for it (a broken file), or the
 * no-downgrade rule keeps it (`rolled-back-in-source`, `older-version`, `set-back-in-target`; `message` says it in words).
 */
export interface HeldResourceReport {
  /** Resource name, e.g. `shop/cart`. */
  name: string;
  /** The file to fix, e.g. `latest/version/shop/cart.yaml`. */
  file: string;
  /** Stable problem code, e.g. `symlink`, `too-large`, `yaml-syntax`. */
  code: string;
  message: string;
}

/** What one run of a transition came to. */
export type TransitionResult =
  /** The promotion is committed and on the remote; `held` lists resources it left alone in the target, when there were any. */
  | { kind: 'Success'; commit: string; promoted: PromotedResource[]; held?: HeldResourceReport[] }
  /** Nothing was promoted, for an expected reason. */
  | { kind: 'Skipped'; reason: SkipReason }
  /** A precondition does not hold yet but may soon (source still rolling out, soak time); later transitions wait. */
  | { kind: 'Blocked'; message: string }
  /** A precondition failed (the source's rollout failed); later transitions still run. */
  | { kind: 'CheckFailed'; message: string };

/** Status of one transition from `transitions.yaml`. */
export interface TransitionStatus {
  name: string;
  source: string;
  target: string;
  /** Cron expression and its time zone, when the transition is scheduled. */
  schedule?: string;
  timezone?: string;
  /** When the transition last ran (ISO 8601), whatever came of it. */
  lastRun?: string;
  /** What its last run came to. */
  lastResult?: TransitionResult;
  /** The last promotion this process made: its commit and time (ISO 8601). */
  lastSuccess?: { commit: string; time: string };
  /** Next scheduled window (ISO 8601), from `transition_state.yaml`. */
  nextRun?: string;
  /** Set when the last round did not reach this transition because an earlier one was blocked: that one's name. */
  waitingFor?: string;
  /** Where the transition stands as of the last round, condition by condition, and what it would move or holds back. */
  outlook?: TransitionOutlook;
}

/** One condition of a transition into its target, and whether it holds now. */
export type TransitionCondition =
  /** The target has no environment lock; `reasons` are the lock's when it has one. */
  | { kind: 'NotLocked'; met: boolean; reasons?: string[] }
  /** The schedule's window is open; otherwise `nextRun` is when it opens (absent when it never does). */
  | { kind: 'Schedule'; met: boolean; schedule: string; timezone?: string; nextRun?: string }
  /** The deployer reports the source rolled out at its current content; `failed` when its rollout failed, `message` says what it waits for. */
  | { kind: 'SourceClean'; met: boolean; failed?: boolean; message?: string }
  /** The source's versions have been in place `minutes`; `since` when they landed, `until` when the soak ends (ISO 8601). */
  | { kind: 'SoakTime'; met: boolean; minutes: number; since?: string; until?: string };

/** A transition's conditions now, and the resources it would move and those it holds back (see the no-downgrade rule). */
export interface TransitionOutlook {
  /** When the transitioner looked, ISO 8601. */
  at: string;
  /** In the order the transitioner checks them: lock, schedule, then each precondition of the rule. */
  conditions: TransitionCondition[];
  /** Resources whose version file would be written or deleted once every condition holds. */
  pending: PromotedResource[];
  /** Resources the target keeps as they are, with why in words. */
  held: HeldResourceReport[];
}

/** The whole `GET /status` answer of the transitioner. */
export interface TransitionerStatus {
  /** The repo commit the last round decided on. */
  commit?: string;
  /** When the last round that decided finished (ISO 8601); rounds on unchanged inputs are left out and keep it. */
  lastRound?: string;
  /** Why the last round failed (git or deployer trouble), when it did. */
  lastError?: string;
  /** Every transition in priority order. */
  transitions: TransitionStatus[];
  /** Every staging's next lifecycle step; absent while the repo has no stagings. */
  stagings?: StagingLifecycleStatus[];
}

/** A step of a staging's lifecycle the transitioner takes on time: archive, mark for cleanup, remove the file. */
export type LifecycleAction = 'archive' | 'cleanup' | 'remove';

/** One staging's lifecycle as the transitioner sees it. */
export interface StagingLifecycleStatus {
  name: string;
  kind: string;
  /** What its file asks for. */
  state: 'active' | 'archived' | 'cleanup';
  /** The next step the transitioner takes; absent when none is planned (a kind without `archiveAfter`, or a problem in the way). */
  next?: LifecycleAction;
  /** When `next` is (or was) due, ISO 8601; absent for `remove`, which waits for the deployer rather than for a time. */
  at?: string;
  /** What `next` waits for besides time: the deployer's confirmation of the cleanup. */
  waitingFor?: string;
  /** Why nothing is done until a person acts: a problem in the file, an unknown kind, a file Cascade cannot edit. */
  problem?: string;
  /** The last lifecycle commit this process made for it. */
  lastAction?: StagingLastAction;
}

/** A lifecycle commit: the step, the commit on the remote and when the round decided it (ISO 8601). */
export interface StagingLastAction {
  action: LifecycleAction;
  commit: string;
  time: string;
}
