// The control-script state machine of one resource: which scripts to run next, from the repo and what was recorded. No I/O.
import type { ResourceStatus, RolloutState, ScriptHealth, ScriptLink, ScriptState } from '@cascade/common';
import { isWebLink } from '@cascade/common/api';

/** The executables of the control-scripts contract. */
export type ScriptAction = 'create' | 'update' | 'archive' | 'unarchive' | 'cleanup' | 'check' | 'archive_check' | 'config_check' | 'info' | 'notifications';

/** Every action name, for validating the configured directory. */
export const SCRIPT_ACTIONS: readonly ScriptAction[] = ['create', 'update', 'archive', 'unarchive', 'cleanup', 'check', 'archive_check', 'config_check', 'info', 'notifications'];

/** What the repo asks for one resource: a version and a fingerprint of its whole version file. */
export interface DesiredScriptResource {
  name: string;
  version: string;
  /** Hash of the version file's content: any change to it (tag or config) means `update`. */
  fingerprint: string;
}

/** Fingerprint standing for "the resource is not in the repo", so a failed archive is not retried every pass. */
export const ABSENT = 'absent';

/** What the deployer recorded about one resource on a script target. */
export interface ScriptRecord {
  state: ScriptState;
  /** Fingerprint the last attempt worked towards (`ABSENT` for archive). */
  fingerprint: string;
  /** Version of the last successful create or update. */
  version?: string;
  /** Whether the resource exists on the target (created and not cleaned up), so leaving the repo means `archive`. */
  created: boolean;
  /** When archiving succeeded (ISO 8601), to clean up after the retention period. */
  archivedAt?: string;
  health?: ScriptHealth;
  /** When `health` was last learned (ISO 8601): `check` runs again only `checkInterval` later. */
  checkedAt?: string;
  links?: ScriptLink[];
}

/** What to do next for one resource. */
export type ScriptStep =
  /** Nothing to run. */
  | { kind: 'idle' }
  /** No record (first sight, or the deployer restarted): run `check` to learn whether the resource already runs. */
  | { kind: 'probe' }
  /** Only ask `check` for the health of a running resource. */
  | { kind: 'check' }
  /** Run `actions` in order while in `pending`; all succeeding leads to `success`, the first failure to `failure`. */
  | { kind: 'run'; pending: ScriptState; actions: ScriptAction[]; success: ScriptState | 'Gone'; failure: ScriptState; fingerprint: string }
  /** Drop the record: the resource left the repo and never existed on the target. */
  | { kind: 'forget' };

/**
 * Decides the next step from the repo (`desired`, undefined when the resource left it) and the record. A running,
 * unchanged resource is checked once `checkIntervalMs` passed since its health was last learned.
 */
export function decideScriptStep(desired: DesiredScriptResource | undefined, record: ScriptRecord | undefined, now: Date, retentionMs: number, checkIntervalMs = 0): ScriptStep {
  const target = desired?.fingerprint ?? ABSENT;
  if (record === undefined) return desired === undefined ? { kind: 'idle' } : { kind: 'probe' };
  // A failure waits for the repo to change: retrying the same call every pass would only repeat it.
  if (record.state === 'Failure' && record.fingerprint === target) return { kind: 'idle' };
  if (desired === undefined) return leaving(record, now, retentionMs);
  if (record.state === 'Archived') {
    return { kind: 'run', pending: 'UpdatePending', actions: ['unarchive'], success: 'Running', failure: 'Failure', fingerprint: record.fingerprint };
  }
  if (record.state === 'CleanupFailed' || !record.created) {
    return { kind: 'run', pending: 'CreatePending', actions: ['config_check', 'create'], success: 'Running', failure: 'Failure', fingerprint: target };
  }
  if (record.fingerprint !== target || record.state !== 'Running') {
    return { kind: 'run', pending: 'UpdatePending', actions: ['config_check', 'update'], success: 'Running', failure: 'Failure', fingerprint: target };
  }
  // Health is a poll of its own: a pass (or a flood of /refresh) does not run `check` each time.
  const checkedAt = Date.parse(record.checkedAt ?? '');
  return Number.isNaN(checkedAt) || now.getTime() - checkedAt >= checkIntervalMs ? { kind: 'check' } : { kind: 'idle' };
}

function leaving(record: ScriptRecord, now: Date, retentionMs: number): ScriptStep {
  if (!record.created) return { kind: 'forget' };
  if (record.state === 'CleanupFailed') return { kind: 'idle' };
  if (record.state === 'Archived') {
    const archivedAt = Date.parse(record.archivedAt ?? '');
    if (Number.isNaN(archivedAt) || now.getTime() - archivedAt < retentionMs) return { kind: 'idle' };
    return { kind: 'run', pending: 'Archived', actions: ['cleanup'], success: 'Gone', failure: 'CleanupFailed', fingerprint: ABSENT };
  }
  return { kind: 'run', pending: 'ArchivePending', actions: ['archive', 'archive_check'], success: 'Archived', failure: 'Failure', fingerprint: ABSENT };
}

/** What `check` says by its exit code: 0 healthy, 2 partially down, 3 tag mismatch, anything else down. */
export function healthFromExitCode(code: number | null): ScriptHealth {
  if (code === 0) return 'Healthy';
  if (code === 2) return 'PartiallyDown';
  if (code === 3) return 'TagMismatch';
  return 'Down';
}

/**
 * The record a probe leaves: a resource whose `check` passes (or is partially down) already runs this version;
 * a tag mismatch means it runs another one and needs `update`; anything else means it has to be created.
 */
export function recordFromProbe(desired: DesiredScriptResource, health: ScriptHealth): ScriptRecord {
  if (health === 'Healthy' || health === 'PartiallyDown') return { state: 'Running', fingerprint: desired.fingerprint, version: desired.version, created: true, health };
  if (health === 'TagMismatch') return { state: 'Running', fingerprint: 'unknown', created: true, health };
  return { state: 'CreatePending', fingerprint: 'unknown', created: false };
}

/**
 * Parses `info` output: one `name,url` line per link, blank lines and lines without a comma ignored. Only `http:` and
 * `https:` URLs are kept: the dashboard renders links, and `javascript:` or `data:` would run in a viewer's browser.
 */
export function parseInfo(stdout: string): ScriptLink[] {
  return stdout
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.includes(','))
    .map((line) => {
      const comma = line.indexOf(',');
      return { name: line.slice(0, comma).trim(), url: line.slice(comma + 1).trim() };
    })
    .filter((link) => isWebLink(link.url));
}

/** The rollout state a script state stands for, so script targets report like Kubernetes ones. */
export function scriptRolloutState(record: ScriptRecord): RolloutState {
  switch (record.state) {
    case 'Running':
      if (record.health === 'Down') return 'Failed';
      if (record.health === 'TagMismatch') return 'Outdated';
      return record.health === 'PartiallyDown' ? 'InProgress' : 'Clean';
    case 'Archived':
      return 'Clean';
    case 'Failure':
    case 'CleanupFailed':
      return 'Failed';
    case 'CreatePending':
    case 'UpdatePending':
    case 'ArchivePending':
      return 'Outdated';
  }
}

/** The status line of one script-target resource. */
export function scriptResourceStatus(name: string, desiredVersion: string | undefined, record: ScriptRecord, errors: ResourceStatus['errors']): ResourceStatus {
  const state = errors.length > 0 ? 'Failed' : scriptRolloutState(record);
  return {
    name,
    state,
    ...(desiredVersion === undefined ? {} : { version: desiredVersion }),
    ...(record.version === undefined ? {} : { liveVersion: record.version }),
    ...(state === 'Clean' ? {} : { reason: record.health === undefined || record.state !== 'Running' ? record.state : record.health }),
    errors,
    scriptState: record.state,
    ...(record.health === undefined ? {} : { health: record.health }),
    ...(record.links === undefined ? {} : { links: record.links }),
  };
}

/**
 * The status line of a resource with a step due or running: in the state the step is pending in (Outdated but for a
 * cleanup), or `CheckPending` while a first `check` finds out whether it already runs, so nothing looks Clean early.
 */
export function pendingResourceStatus(name: string, desiredVersion: string | undefined, record: ScriptRecord | undefined, step: ScriptStep): ResourceStatus {
  const pending = step.kind === 'run' ? step.pending : undefined;
  if (record === undefined) {
    return { name, state: 'Outdated', ...(desiredVersion === undefined ? {} : { version: desiredVersion }), reason: pending ?? 'CheckPending', errors: [], ...(pending === undefined ? {} : { scriptState: pending }) };
  }
  return scriptResourceStatus(name, desiredVersion, pending === undefined ? record : { ...record, state: pending }, []);
}

/** The status line of a resource whose files the repo cannot read: failed with those problems, its record (if any) untouched. */
export function heldResourceStatus(name: string, record: ScriptRecord | undefined, errors: ResourceStatus['errors']): ResourceStatus {
  const reason = errors[0]?.message ?? 'its files cannot be read';
  if (record === undefined) return { name, state: 'Failed', reason, errors };
  return { ...scriptResourceStatus(name, undefined, record, errors), reason };
}
