// The control-script state machine of one staging: from its record (what was done) and its file (what is asked), the
// next scripts to run. No I/O.
import type { StagingIntent, StagingPhase } from '@cascade/common';
import type { ScriptAction } from '../scripts/state-machine.ts';
import type { StagingScriptRecord } from './script-record.ts';

/** What the staging file asks, as the decision needs it. */
export interface StagingWant {
  intent: StagingIntent;
  /** Fingerprint of the settings the scripts get (tag, config, secrets, namespace, domain), salted with the record's salt. */
  settings: string;
  /** Changes whenever the staging's file or its settings change: a failed step waits for that. */
  attempt: string;
}

/** How often the scripts that poll may run. */
export interface StagingPacing {
  /** `check` of a running staging, at most this often (the target's `checkInterval`). */
  checkIntervalMs: number;
  /** The first repeat of a failing `archive_check`; each further one waits twice as long, up to `checkIntervalMs`. Default 5 s. */
  archiveCheckRetryMs?: number;
}

/** Where a staging is on the target, by its record. */
export type StagingPosition =
  /** Nothing was ever done successfully (or there is no record): the target may not have it. */
  | 'unknown'
  /** Created, updated or restored. */
  | 'running'
  /** `archive` succeeded, `archive_check` has not yet. */
  | 'archiving'
  | 'archived'
  /** `cleanup` succeeded. */
  | 'gone';

/** What to do next for one staging. */
export type StagingScriptStep =
  /** Nothing to run now. */
  | { kind: 'idle' }
  /** Ask `check` for the health of a running staging. */
  | { kind: 'check' }
  /** Ask `archive_check` again whether the archive is complete. */
  | { kind: 'confirm-archive' }
  /** Run `actions` in order while in `pending`; all succeeding leads to `success`, the first failure to `failure`. */
  | { kind: 'run'; pending: StagingPhase; actions: ScriptAction[]; success: 'Running' | 'Archived' | 'CleanedUp'; failure: 'Failure' | 'CleanupFailed' };

const DEFAULT_ARCHIVE_CHECK_RETRY_MS = 5_000;

/** Where the record says the staging is. */
export function positionOf(record: StagingScriptRecord | undefined): StagingPosition {
  switch (record?.done?.action) {
    case undefined:
      return 'unknown';
    case 'create':
    case 'update':
    case 'unarchive':
      return 'running';
    case 'archive':
      return 'archiving';
    case 'archive_check':
      return 'archived';
    case 'cleanup':
      return 'gone';
  }
}

/**
 * Decides the next step. Without a record nothing is adopted: `active` creates, `archived` archives and `cleanup`
 * cleans up (the contract makes archive and cleanup idempotent), so an empty data directory still converges. A
 * failed step waits for the file or settings to change; `check` and `archive_check` repeat only at their pace.
 */
export function decideStagingStep(record: StagingScriptRecord | undefined, want: StagingWant, now: Date, pacing: StagingPacing): StagingScriptStep {
  if (record?.failure !== undefined && record.failure.attempt === want.attempt) return { kind: 'idle' };
  const position = positionOf(record);
  switch (want.intent) {
    case 'cleanup':
      return position === 'gone' ? { kind: 'idle' } : run('CleanupPending', ['cleanup'], 'CleanedUp', 'CleanupFailed');
    case 'archived':
      // A staging that was cleaned up has nothing left to archive.
      if (position === 'archived' || position === 'gone') return { kind: 'idle' };
      if (position === 'archiving') return due(archiveCheckDueAt(record!, pacing), now) ? { kind: 'confirm-archive' } : { kind: 'idle' };
      return run('ArchivePending', ['archive', 'archive_check'], 'Archived', 'Failure');
    case 'active':
      if (position === 'unknown' || position === 'gone') return run('CreatePending', ['config_check', 'create'], 'Running', 'Failure');
      // Restored first; `deployed` still holds the settings it was archived with, so an update follows if they changed.
      if (position === 'archiving' || position === 'archived') return run('UpdatePending', ['unarchive'], 'Running', 'Failure');
      if (record!.deployed?.settings !== want.settings) return run('UpdatePending', ['config_check', 'update'], 'Running', 'Failure');
      return due(checkDueAt(record!, pacing), now) ? { kind: 'check' } : { kind: 'idle' };
  }
}

/** When a running staging's health is asked next: `checkInterval` after it was last learned; at once when never. */
export function checkDueAt(record: StagingScriptRecord, pacing: StagingPacing): Date | undefined {
  const checkedAt = Date.parse(record.checkedAt ?? '');
  return Number.isNaN(checkedAt) ? undefined : new Date(checkedAt + pacing.checkIntervalMs);
}

/** When `archive_check` is asked again: 5 s after the first failure, doubling, never waiting longer than `checkInterval`. */
export function archiveCheckDueAt(record: StagingScriptRecord, pacing: StagingPacing): Date | undefined {
  const last = record.archiveCheck;
  const at = Date.parse(last?.at ?? '');
  if (last === undefined || Number.isNaN(at)) return undefined;
  const first = pacing.archiveCheckRetryMs ?? DEFAULT_ARCHIVE_CHECK_RETRY_MS;
  const wait = Math.min(first * 2 ** Math.min(last.attempts - 1, 30), pacing.checkIntervalMs);
  return new Date(at + Math.max(wait, 0));
}

function due(at: Date | undefined, now: Date): boolean {
  return at === undefined || now.getTime() >= at.getTime();
}

function run(pending: StagingPhase, actions: ScriptAction[], success: 'Running' | 'Archived' | 'CleanedUp', failure: 'Failure' | 'CleanupFailed'): StagingScriptStep {
  return { kind: 'run', pending, actions, success, failure };
}
