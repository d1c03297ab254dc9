// Which lifecycle step a staging is on and the record of the steps taken: decided from its file's intent and what
// was done before, never from the target. No I/O; action-store.ts keeps the state on disk.
import type { StagingStepAction, StagingActionRecord, StagingDeployment, StagingIntent, StagingPhase, StagingStatus } from '@cascade/common';
import { sha256 } from '../content/canonical-json.ts';

/** The step under way: what it is, what it was started for (`key`), and whether it has reached its end yet. */
export interface OpenAction {
  action: StagingStepAction;
  /** Identifies the inputs it was started for; a different key starts a new step. */
  key: string;
  startedAt: string;
  commit: string;
  /** Set once the step succeeded or failed; a failed one may still succeed later without a new change. */
  result?: 'succeeded' | 'failed';
}

/** Everything kept per staging between passes (and restarts). */
export interface StagingActionState {
  current?: OpenAction;
  /** The phase the last pass reported, so a restart knows where the staging was. */
  phase?: StagingPhase;
  /** Newest last, at most `limit`. */
  records: StagingActionRecord[];
}

/** Records kept per staging by default: enough to see what led to the current state. */
export const DEFAULT_RECORD_LIMIT = 20;

/**
 * What a step is started for: the staging's file and binding, and for an active staging the files of every template
 * resource too (a change to the template is an update of each staging). Stable across restarts, so kept records match.
 */
export function actionKey({ staging, binding, environment }: Pick<StagingDeployment, 'staging' | 'binding' | 'environment'>): string {
  const template = staging.state === 'active' ? [...environment.resources.values()].map((r) => [r.name, r.blobs.join(',')]) : [];
  return sha256(JSON.stringify([staging.blob, binding, template]));
}

/**
 * The step a staging is on. Inputs as before: the same step. Otherwise a new one: cleanup or archive as the file
 * asks; for an active staging `restore` after an archive, `create` when it never ran (or is still being created, or
 * was cleaned up), else `update`.
 */
export function chooseAction(intent: StagingIntent, current: OpenAction | undefined): StagingStepAction {
  if (intent === 'cleanup') return 'cleanup';
  if (intent === 'archived') return 'archive';
  if (current === undefined || current.action === 'cleanup') return 'create';
  const unfinished = current.result !== 'succeeded';
  if (current.action === 'archive' || (current.action === 'restore' && unfinished)) return 'restore';
  if (current.action === 'create' && unfinished) return 'create';
  return 'update';
}

/** Starts a new step when the inputs changed (`key`); the step it replaces is recorded as superseded if still pending. */
export function beginAction(state: StagingActionState, input: { intent: StagingIntent; key: string; now: Date; commit: string }, limit = DEFAULT_RECORD_LIMIT): StagingActionState {
  if (state.current?.key === input.key) return state;
  const startedAt = input.now.toISOString();
  const records = state.records.map((record, i) =>
    i === state.records.length - 1 && record.result === 'pending' ? finished(record, 'superseded', input.now, 'the file changed again before this was done') : record,
  );
  const action = chooseAction(input.intent, state.current);
  const current: OpenAction = { action, key: input.key, startedAt, commit: input.commit };
  return { ...state, current, records: bounded([...records, { action, startedAt, result: 'pending', commit: input.commit }], limit) };
}

/** The phase of a step that has not reached its end yet. */
export function pendingPhase(action: StagingStepAction): StagingPhase {
  switch (action) {
    case 'create':
      return 'CreatePending';
    case 'update':
    case 'restore':
      return 'UpdatePending';
    case 'archive':
      return 'ArchivePending';
    case 'cleanup':
      return 'CleanupPending';
  }
}

/** The phases that end a step successfully, per step. */
const SUCCESS: Record<StagingStepAction, StagingPhase> = { create: 'Running', update: 'Running', restore: 'Running', archive: 'Archived', cleanup: 'CleanedUp' };

/**
 * Records what a pass reported: a step reaching its phase succeeded, Failure or CleanupFailed failed (once). A
 * step that failed and later succeeds without a new change gets a second record, so the failure stays visible.
 */
export function settleAction(state: StagingActionState, status: Pick<StagingStatus, 'phase' | 'reason'>, now: Date, limit = DEFAULT_RECORD_LIMIT): StagingActionState {
  const { current } = state;
  const next = { ...state, phase: status.phase };
  if (current === undefined || current.result === 'succeeded') return next;
  const failedNow = status.phase === 'Failure' || status.phase === 'CleanupFailed';
  const succeededNow = status.phase === SUCCESS[current.action];
  if (!failedNow && !succeededNow) return next;
  if (failedNow && current.result === 'failed') return next;
  const result = succeededNow ? 'succeeded' : 'failed';
  const message = status.reason ?? status.phase;
  const last = state.records.at(-1);
  const records = last !== undefined && last.result === 'pending' && last.startedAt === current.startedAt && last.action === current.action
    ? [...state.records.slice(0, -1), finished(last, result, now, message)]
    : bounded([...state.records, finished({ action: current.action, startedAt: current.startedAt, result: 'pending', commit: current.commit }, result, now, message)], limit);
  return { ...next, current: { ...current, result }, records };
}

function finished(record: StagingActionRecord, result: StagingActionRecord['result'], now: Date, message: string): StagingActionRecord {
  const durationMs = Math.max(0, now.getTime() - Date.parse(record.startedAt));
  return { ...record, result, finishedAt: now.toISOString(), durationMs, message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message };
}

// A reason may quote a long API server answer; the records stay small files.
const MAX_MESSAGE = 2000;

function bounded<T>(list: T[], limit: number): T[] {
  return list.length > limit ? list.slice(list.length - limit) : list;
}
