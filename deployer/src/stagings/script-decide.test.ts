import { describe, expect, it } from 'vitest';
import type { StagingPacing, StagingWant } from './script-decide.ts';
import { archiveCheckDueAt, decideStagingStep, positionOf } from './script-decide.ts';
import type { StagingMilestone, StagingScriptRecord } from './script-record.ts';
import { newRecord } from './script-record.ts';

const now = new Date('2026-03-01T12:00:00Z');
const MINUTE = 60_000;
const DAY = 24 * 3600 * 1000;
const pacing: StagingPacing = { checkIntervalMs: MINUTE };
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const want = (intent: StagingWant['intent'], settings = 's1', attempt = `a-${intent}-${settings}`): StagingWant => ({ intent, settings, attempt });
/** A record whose last success was `action`, deployed with settings `s1`, health learned `checkedMsAgo` ago. */
const record = (action: StagingMilestone | undefined, extra: Partial<StagingScriptRecord> = {}): StagingScriptRecord => ({
  ...newRecord('feature-x', 'scripts', 'salt'),
  ...(action === undefined ? {} : { done: { action, at: ago(DAY), commit: 'c1' } }),
  deployed: { settings: 's1', tag: 't1' },
  checkedAt: ago(10_000),
  ...extra,
});
const decide = (r: StagingScriptRecord | undefined, w: StagingWant) => decideStagingStep(r, w, now, pacing);

const CREATE = { kind: 'run', pending: 'CreatePending', actions: ['config_check', 'create'], success: 'Running', failure: 'Failure' };
const UPDATE = { kind: 'run', pending: 'UpdatePending', actions: ['config_check', 'update'], success: 'Running', failure: 'Failure' };
const RESTORE = { kind: 'run', pending: 'UpdatePending', actions: ['unarchive'], success: 'Running', failure: 'Failure' };
const ARCHIVE = { kind: 'run', pending: 'ArchivePending', actions: ['archive', 'archive_check'], success: 'Archived', failure: 'Failure' };
const CLEANUP = { kind: 'run', pending: 'CleanupPending', actions: ['cleanup'], success: 'CleanedUp', failure: 'CleanupFailed' };

describe('decideStagingStep without a record (first sight, or a restart over an empty data dir)', () => {
  it('creates an active staging instead of adopting it with check', () => {
    expect(decide(undefined, want('active'))).toEqual(CREATE);
  });

  it('archives an archived staging: archive is idempotent by contract', () => {
    expect(decide(undefined, want('archived'))).toEqual(ARCHIVE);
  });

  it('cleans up a staging marked for cleanup, so nothing is left behind', () => {
    expect(decide(undefined, want('cleanup'))).toEqual(CLEANUP);
  });

  it('treats a record with nothing done successfully (interrupted create) like none', () => {
    expect(decide(record(undefined, { deployed: undefined, phase: 'CreatePending' }), want('active'))).toEqual(CREATE);
  });
});

describe('decideStagingStep with a record (after a restart too)', () => {
  it('never creates a running staging again; only checks it once the interval has passed', () => {
    expect(decide(record('create'), want('active'))).toEqual({ kind: 'idle' });
    expect(decide(record('create', { checkedAt: ago(MINUTE - 1) }), want('active'))).toEqual({ kind: 'idle' });
    expect(decide(record('update', { checkedAt: ago(MINUTE) }), want('active'))).toEqual({ kind: 'check' });
    expect(decide(record('unarchive', { checkedAt: undefined }), want('active'))).toEqual({ kind: 'check' });
  });

  it('updates when the settings changed, whatever the check interval', () => {
    expect(decide(record('create'), want('active', 's2'))).toEqual(UPDATE);
    expect(decide(record('update', { checkedAt: ago(MINUTE * 5) }), want('active', 's2'))).toEqual(UPDATE);
  });

  it('checks only running stagings', () => {
    const stale = { checkedAt: ago(DAY) };
    for (const action of ['archive', 'archive_check', 'cleanup'] as const) {
      for (const intent of ['archived', 'cleanup'] as const) expect(decide(record(action, stale), want(intent))).not.toEqual({ kind: 'check' });
    }
  });

  it('archives a running staging, and leaves an archived one alone', () => {
    expect(decide(record('update'), want('archived'))).toEqual(ARCHIVE);
    expect(decide(record('archive_check'), want('archived'))).toEqual({ kind: 'idle' });
  });

  it('restores an archived staging with unarchive, then updates it if its settings changed meanwhile', () => {
    expect(decide(record('archive_check'), want('active', 's2'))).toEqual(RESTORE);
    expect(decide(record('unarchive'), want('active', 's2'))).toEqual(UPDATE);
    expect(decide(record('unarchive'), want('active'))).toEqual({ kind: 'idle' });
  });

  it('cleans up from any state but gone, and creates again when a cleaned-up staging becomes active', () => {
    for (const action of ['create', 'update', 'unarchive', 'archive', 'archive_check'] as const) expect(decide(record(action), want('cleanup'))).toEqual(CLEANUP);
    expect(decide(record('cleanup'), want('cleanup'))).toEqual({ kind: 'idle' });
    expect(decide(record('cleanup'), want('archived'))).toEqual({ kind: 'idle' });
    expect(decide(record('cleanup'), want('active'))).toEqual(CREATE);
  });

  it('waits for the file or the settings to change after a failure instead of repeating the call', () => {
    const failed = record(undefined, { failure: { action: 'create', reason: 'create exited with 1', at: ago(1), attempt: 'a-active-s1', phase: 'Failure' } });
    expect(decide(failed, want('active'))).toEqual({ kind: 'idle' });
    expect(decide(failed, want('active', 's1', 'edited'))).toEqual(CREATE);
    const cleanupFailed = record('archive_check', { failure: { action: 'cleanup', reason: 'cleanup exited with 1', at: ago(1), attempt: 'a-cleanup-s1', phase: 'CleanupFailed' } });
    expect(decide(cleanupFailed, want('cleanup'))).toEqual({ kind: 'idle' });
    expect(decide(cleanupFailed, want('cleanup', 's1', 'touched'))).toEqual(CLEANUP);
  });
});

describe('archive_check after the archive ran', () => {
  const archiving = (attempts: number, msAgo: number) => record('archive', { archiveCheck: { attempts, at: ago(msAgo), reason: 'archive_check exited with 1' } });

  it('asks again 5 s after the first failure, then doubling the wait, never longer than the check interval', () => {
    expect(decide(archiving(1, 4_999), want('archived'))).toEqual({ kind: 'idle' });
    expect(decide(archiving(1, 5_000), want('archived'))).toEqual({ kind: 'confirm-archive' });
    expect(decide(archiving(3, 19_999), want('archived'))).toEqual({ kind: 'idle' });
    expect(decide(archiving(3, 20_000), want('archived'))).toEqual({ kind: 'confirm-archive' });
    expect(archiveCheckDueAt(archiving(40, 0), pacing)).toEqual(new Date(now.getTime() + MINUTE));
    expect(decide(archiving(1, 0), want('archived'))).toEqual({ kind: 'idle' });
  });

  it('restores instead when the staging becomes active again', () => {
    expect(decide(archiving(2, 0), want('active'))).toEqual(RESTORE);
  });
});

describe('positionOf', () => {
  it('reads where the staging is from the last milestone', () => {
    expect(positionOf(undefined)).toBe('unknown');
    expect(['create', 'update', 'unarchive', 'archive', 'archive_check', 'cleanup'].map((a) => positionOf(record(a as StagingMilestone)))).toEqual(['running', 'running', 'running', 'archiving', 'archived', 'gone']);
  });
});
