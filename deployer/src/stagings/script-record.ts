// What a script target remembers of one staging across restarts: where the staging is on the target, with which
// settings, and its last calls. Kept as a small JSON file per staging, so a restart neither re-creates a running
// staging nor adopts one nobody created. No I/O here.
import type { ScriptHealth, ScriptLink, StagingPhase } from '@cascade/common';
import { SCRUBBED } from '@cascade/common/secrets';
import type { ScriptRun } from '../scripts/runner.ts';
import type { ScriptAction } from '../scripts/state-machine.ts';
import { SCRIPT_ACTIONS } from '../scripts/state-machine.ts';

/** Calls whose success moves a staging on the target; the last one says where it is. */
export type StagingMilestone = 'create' | 'update' | 'unarchive' | 'archive' | 'archive_check' | 'cleanup';

const MILESTONES: readonly string[] = ['create', 'update', 'unarchive', 'archive', 'archive_check', 'cleanup'];

/** Version of the record file's layout; a file of another version is not read. */
export const RECORD_FORMAT = 1;

/** One call as the record keeps it: no secret values, the output's end only (the log store has all of it, for admins). */
export interface StagingCallRecord {
  action: ScriptAction;
  args: string[];
  /** ISO 8601. */
  startedAt: string;
  durationMs: number;
  exitCode: number | null;
  timedOut: boolean;
  startError?: string;
  stdout: string;
  stderr: string;
}

/** The record of one staging on one script target. */
export interface StagingScriptRecord {
  format: typeof RECORD_FORMAT;
  name: string;
  target: string;
  /** Salts the settings fingerprints, so the file never holds a plain hash of secret values. */
  salt: string;
  /** The phase `notifications` was last told of. */
  phase?: StagingPhase;
  /** The last milestone that succeeded, when, and the commit it worked from. */
  done?: { action: StagingMilestone; at: string; commit: string };
  /** Settings of the last successful create or update: what the staging runs with, and runs with again once restored. */
  deployed?: { settings: string; tag: string };
  /** The last step failed; it is not repeated while `attempt` (the staging file and its settings) stays the same. */
  failure?: { action: ScriptAction; reason: string; at: string; attempt: string; phase: 'Failure' | 'CleanupFailed' };
  /** `archive` succeeded and `archive_check` has not yet: how often it was asked, when last, and what it said. */
  archiveCheck?: { attempts: number; at: string; reason: string };
  health?: ScriptHealth;
  /** When the health was last learned, or the staging last created, updated or restored: `check` waits `checkInterval` from here. */
  checkedAt?: string;
  /** What `info` printed after the last create, update or restore. */
  links: ScriptLink[];
  /** When the last step started. */
  lastActionAt?: string;
  /** The last calls, oldest first. */
  calls: StagingCallRecord[];
}

/** How much a record keeps. */
export interface RecordLimits {
  /** Calls kept; default 20. */
  calls?: number;
  /** Bytes kept of the end of stdout and of stderr per call; default 2 KiB. */
  outputBytes?: number;
}

const DEFAULT_CALLS = 20;
const DEFAULT_OUTPUT_BYTES = 2048;
// As the keyring does: shorter values are not secrets worth cutting, and cutting them would garble the output.
const MIN_SCRUBBED_LENGTH = 4;

/** A record of a staging nothing was done for yet. */
export function newRecord(name: string, target: string, salt: string): StagingScriptRecord {
  return { format: RECORD_FORMAT, name, target, salt, links: [], calls: [] };
}

/** `record` with `run` added to its calls: bounded in number and size, the staging's secret values cut out of args and output. */
export function withCall(record: StagingScriptRecord, run: ScriptRun, secrets: readonly string[], limits: RecordLimits = {}): StagingScriptRecord {
  const scrub = scrubber(secrets);
  const outputBytes = limits.outputBytes ?? DEFAULT_OUTPUT_BYTES;
  const call: StagingCallRecord = {
    action: run.action,
    args: run.args.map(scrub),
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    exitCode: run.exitCode,
    timedOut: run.timedOut,
    ...(run.startError === undefined ? {} : { startError: scrub(run.startError) }),
    stdout: tail(scrub(run.stdout), outputBytes),
    stderr: tail(scrub(run.stderr), outputBytes),
  };
  return { ...record, calls: [...record.calls, call].slice(-(limits.calls ?? DEFAULT_CALLS)) };
}

/** What the settings a call worked with were, for the record. */
export interface SuccessContext {
  at: string;
  commit: string;
  /** The settings fingerprint, salted with the record's salt. */
  settings: string;
  tag: string;
}

/** `record` after `action` succeeded: a milestone moves the staging, any other call leaves it where it is. */
export function afterSuccess(record: StagingScriptRecord, action: ScriptAction, context: SuccessContext): StagingScriptRecord {
  if (!MILESTONES.includes(action)) return record;
  const { archiveCheck: _check, ...rest } = record;
  const done = { action: action as StagingMilestone, at: context.at, commit: context.commit };
  switch (action) {
    case 'create':
    case 'update':
      return { ...rest, done, deployed: { settings: context.settings, tag: context.tag } };
    case 'cleanup': {
      // Gone from the target: nothing to restore, nothing to link to.
      const { deployed: _deployed, health: _health, ...gone } = rest;
      return { ...gone, done, links: [] };
    }
    case 'archive': {
      const { health: _health, ...archived } = rest;
      return { ...archived, done };
    }
    default:
      return { ...rest, done };
  }
}

/** The run a kept call stands for, to show it in the log store again after a restart. */
export function runOfCall(call: StagingCallRecord): ScriptRun {
  return { ...call, args: [...call.args] };
}

/** Reads a record file's content; undefined when it is not a record of `name` on `target` in this format. */
export function parseRecord(text: string, name: string, target: string): StagingScriptRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(value) || value['format'] !== RECORD_FORMAT || value['name'] !== name || value['target'] !== target) return undefined;
  if (typeof value['salt'] !== 'string' || !Array.isArray(value['links']) || !Array.isArray(value['calls'])) return undefined;
  const done = value['done'];
  if (done !== undefined && !(isObject(done) && MILESTONES.includes(String(done['action'])) && typeof done['at'] === 'string')) return undefined;
  if (!(value['calls'] as unknown[]).every((call) => isObject(call) && (SCRIPT_ACTIONS as readonly unknown[]).includes(call['action']) && Array.isArray(call['args']))) return undefined;
  return value as unknown as StagingScriptRecord;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Replaces every secret value in a text, longest first so a value holding another goes as a whole. */
function scrubber(secrets: readonly string[]): (text: string) => string {
  const values = [...new Set(secrets.filter((s) => s.length >= MIN_SCRUBBED_LENGTH))].sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  const pattern = new RegExp(values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return (text) => text.replace(pattern, SCRUBBED);
}

/** The last `bytes` bytes of a text, marked when something was dropped: a failure's cause is usually at the end. */
function tail(text: string, bytes: number): string {
  const buffer = Buffer.from(text, 'utf8');
  if (buffer.length <= bytes) return text;
  return `[… ${buffer.length - bytes} bytes before dropped]\n${buffer.subarray(buffer.length - bytes).toString('utf8')}`;
}
