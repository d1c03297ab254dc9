// Stagings in plain words for people without ops knowledge: the deployer's phase, what happens next and when, and
// what each commit of a staging did.
import type { ScriptHealth, ScriptState, StagingAction, StagingActionRecord, StagingPhase, StagingView } from '../api/wire.ts';
import { formatDuration, formatWhen } from './time.ts';
import { reasonWords } from './reason-words.ts';
import type { StatusLook } from './status-words.ts';

/** How a staging's phase looks: a badge, whether it spins, and why when it is not running. */
export interface PhaseWords extends StatusLook {
  /** Something is under way: the badge spins. */
  pending: boolean;
  /** Why it is pending, failed or held, from the deployer or the file's problems, in words. */
  reason?: string;
  /** The deployer's own reason when the words differ from it: for the hover, and for searching the Kubernetes docs. */
  code?: string;
}

const PHASE_LOOK: Record<StagingPhase, Omit<PhaseWords, 'reason' | 'code'>> = {
  CreatePending: { label: 'being created', symbol: '', tone: 'info', pending: true },
  UpdatePending: { label: 'updating', symbol: '', tone: 'info', pending: true },
  ArchivePending: { label: 'archiving', symbol: '', tone: 'info', pending: true },
  Running: { label: 'running', symbol: '✓', tone: 'ok', pending: false },
  Failure: { label: 'failed', symbol: '✕', tone: 'bad', pending: false },
  Archived: { label: 'archived', symbol: '■', tone: 'none', pending: false },
  CleanupPending: { label: 'being cleaned up', symbol: '', tone: 'warn', pending: true },
  CleanedUp: { label: 'cleaned up', symbol: '–', tone: 'none', pending: false },
  CleanupFailed: { label: 'cleanup failed', symbol: '✕', tone: 'bad', pending: false },
  // Text presentation (U+FE0E), so no system draws the warning sign as a coloured emoji.
  Held: { label: 'held: its file cannot be used', symbol: '⚠\uFE0E', tone: 'bad', pending: false },
};

/** The phase of `staging` in words; without a report it waits for the deployer, or is unknown when that is unreachable. */
export function describePhase(staging: Pick<StagingView, 'phase' | 'reason'>, deployerReachable: boolean): PhaseWords {
  const words = staging.reason === undefined ? undefined : reasonWords(staging.reason);
  const reason = staging.reason === undefined || words === undefined ? {} : { reason: words, ...(words === staging.reason ? {} : { code: staging.reason }) };
  if (staging.phase !== undefined) return { ...PHASE_LOOK[staging.phase], ...reason };
  if (!deployerReachable) return { label: 'unknown', symbol: '?', tone: 'none', pending: false, reason: 'the deployer cannot be reached', ...reason };
  return { label: 'waiting for the deployer', symbol: '', tone: 'info', pending: true, ...reason };
}

/** A control-script state of one resource in the staging phase's words (`CreatePending` → `being created`). */
export function scriptStateWords(state: ScriptState): string {
  const phase: StagingPhase = state;
  return PHASE_LOOK[phase].label;
}

const HEALTH_WORDS: Record<ScriptHealth, string> = {
  Healthy: 'healthy',
  Down: 'down',
  PartiallyDown: 'partly down',
  TagMismatch: 'runs another tag',
};

/** What the last `check` of a control script said, in words. */
export function healthWords(health: ScriptHealth): string {
  return HEALTH_WORDS[health];
}

/** What comes next for a staging and when: archived or cleaned up on time, or nothing planned. */
export interface NextStep {
  text: string;
  /** When, ISO 8601; absent when nothing is planned. */
  at?: string;
}

/** The next automatic step of `staging` as of `now`: `archived in 6 d`, `cleaned up in 2 d`, or what keeps it. */
export function nextStep(staging: Pick<StagingView, 'state' | 'archiveAt' | 'cleanupAt'>, now: Date): NextStep {
  if (staging.state === 'cleanup') return { text: 'being cleaned up' };
  if (staging.state === 'archived') {
    if (staging.cleanupAt === undefined) return { text: 'kept archived' };
    return { text: due(staging.cleanupAt, now) ? 'cleanup due now' : `cleaned up ${formatWhen(staging.cleanupAt, now)}`, at: staging.cleanupAt };
  }
  if (staging.archiveAt === undefined) return { text: 'runs until archived' };
  return { text: due(staging.archiveAt, now) ? 'archive due now' : `archived ${formatWhen(staging.archiveAt, now)}`, at: staging.archiveAt };
}

function due(iso: string, now: Date): boolean {
  return Date.parse(iso) <= now.getTime();
}

/** What archiving does, for its confirmation: the data stays for the kind's retention. */
export function archiveWords(name: string, retentionMs: number | undefined): string {
  const kept = retentionMs === undefined ? 'its data is kept until it is cleaned up' : `its data is kept for ${formatDuration(retentionMs)}, then it is cleaned up`;
  return `Archiving stops the services of ${name}; ${kept}. Restore brings it back with its last settings and the same data.`;
}

/** What a staging commit did, from its `Cascade-Action` trailer; a commit without one is a person's edit. */
export function describeStagingAction(action: StagingAction | undefined): string {
  if (action === undefined) return 'edited by hand';
  return STAGING_ACTION_WORDS[action];
}

const STAGING_ACTION_WORDS: Record<StagingAction, string> = {
  create: 'created',
  update: 'updated',
  archive: 'archived',
  restore: 'restored',
  cleanup: 'cleanup asked',
  remove: 'removed',
};

/** How a deployer step's result looks in the action log. */
export const ACTION_RESULT_LOOK: Record<StagingActionRecord['result'], StatusLook> = {
  pending: { label: 'pending', symbol: '', tone: 'info' },
  succeeded: { label: 'succeeded', symbol: '✓', tone: 'ok' },
  failed: { label: 'failed', symbol: '✕', tone: 'bad' },
  superseded: { label: 'superseded', symbol: '↷', tone: 'none' },
};
