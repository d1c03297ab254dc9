import { describe, expect, it } from 'vitest';
import type { DesiredScriptResource, ScriptRecord } from './state-machine.ts';
import { ABSENT, decideScriptStep, healthFromExitCode, parseInfo, pendingResourceStatus, recordFromProbe, scriptResourceStatus, scriptRolloutState } from './state-machine.ts';

const now = new Date('2024-03-01T12:00:00Z');
const DAY = 24 * 3600 * 1000;
const desired: DesiredScriptResource = { name: 'feature-x', version: '1.1', fingerprint: 'f2' };
const running: ScriptRecord = { state: 'Running', fingerprint: 'f2', version: '1.1', created: true };
const decide = (d: DesiredScriptResource | undefined, r: ScriptRecord | undefined) => decideScriptStep(d, r, now, 7 * DAY);

describe('decideScriptStep', () => {
  it('probes a resource it has no record of, and ignores one that is nowhere', () => {
    expect(decide(desired, undefined)).toEqual({ kind: 'probe' });
    expect(decide(undefined, undefined)).toEqual({ kind: 'idle' });
  });

  it('creates a resource that appeared: config_check then create', () => {
    const probed = recordFromProbe(desired, 'Down');
    expect(decide(desired, probed)).toEqual({ kind: 'run', pending: 'CreatePending', actions: ['config_check', 'create'], success: 'Running', failure: 'Failure', fingerprint: 'f2' });
  });

  it('updates when the version file changes: config_check then update', () => {
    expect(decide(desired, { ...running, fingerprint: 'f1', version: '1.0' })).toEqual({ kind: 'run', pending: 'UpdatePending', actions: ['config_check', 'update'], success: 'Running', failure: 'Failure', fingerprint: 'f2' });
  });

  it('only checks health when nothing changed', () => {
    expect(decide(desired, running)).toEqual({ kind: 'check' });
  });

  it('checks health again only once the check interval has passed', () => {
    const checked = { ...running, checkedAt: new Date(now.getTime() - 59_000).toISOString() };
    expect(decideScriptStep(desired, checked, now, 7 * DAY, 60_000)).toEqual({ kind: 'idle' });
    expect(decideScriptStep(desired, { ...checked, checkedAt: new Date(now.getTime() - 60_000).toISOString() }, now, 7 * DAY, 60_000)).toEqual({ kind: 'check' });
    // A change is never held back by the interval.
    expect(decideScriptStep({ ...desired, fingerprint: 'f3' }, checked, now, 7 * DAY, 60_000)).toMatchObject({ actions: ['config_check', 'update'] });
  });

  it('archives a resource that left the repo: archive then archive_check', () => {
    expect(decide(undefined, running)).toEqual({ kind: 'run', pending: 'ArchivePending', actions: ['archive', 'archive_check'], success: 'Archived', failure: 'Failure', fingerprint: ABSENT });
  });

  it('forgets a resource that left the repo before it was ever created', () => {
    expect(decide(undefined, { state: 'Failure', fingerprint: 'f1', created: false })).toEqual({ kind: 'forget' });
  });

  it('waits for a change after a failure instead of repeating the same call', () => {
    expect(decide(desired, { state: 'Failure', fingerprint: 'f2', created: true })).toEqual({ kind: 'idle' });
    expect(decide(undefined, { state: 'Failure', fingerprint: ABSENT, created: true })).toEqual({ kind: 'idle' });
    expect(decide(desired, { state: 'Failure', fingerprint: 'f1', created: true })).toMatchObject({ actions: ['config_check', 'update'] });
    expect(decide(desired, { state: 'Failure', fingerprint: 'f1', created: false })).toMatchObject({ actions: ['config_check', 'create'] });
  });

  it('unarchives a resource that comes back, and updates it afterwards if its file changed', () => {
    const archived: ScriptRecord = { state: 'Archived', fingerprint: 'f1', created: true, archivedAt: now.toISOString() };
    const step = decide(desired, archived);
    expect(step).toMatchObject({ kind: 'run', actions: ['unarchive'], success: 'Running', fingerprint: 'f1' });
    expect(decide(desired, { ...archived, state: 'Running' })).toMatchObject({ actions: ['config_check', 'update'] });
  });

  it('cleans up after the retention period, and stops at CleanupFailed', () => {
    const archived: ScriptRecord = { state: 'Archived', fingerprint: ABSENT, created: true, archivedAt: new Date(now.getTime() - 6 * DAY).toISOString() };
    expect(decide(undefined, archived)).toEqual({ kind: 'idle' });
    const old = { ...archived, archivedAt: new Date(now.getTime() - 7 * DAY).toISOString() };
    expect(decide(undefined, old)).toEqual({ kind: 'run', pending: 'Archived', actions: ['cleanup'], success: 'Gone', failure: 'CleanupFailed', fingerprint: ABSENT });
    expect(decide(undefined, { ...old, state: 'CleanupFailed' })).toEqual({ kind: 'idle' });
    expect(decide(desired, { ...old, state: 'CleanupFailed' })).toMatchObject({ actions: ['config_check', 'create'] });
  });
});

describe('recordFromProbe', () => {
  it('adopts a running resource, schedules an update on tag mismatch, a create otherwise', () => {
    expect(recordFromProbe(desired, 'Healthy')).toEqual({ state: 'Running', fingerprint: 'f2', version: '1.1', created: true, health: 'Healthy' });
    expect(decide(desired, recordFromProbe(desired, 'TagMismatch'))).toMatchObject({ actions: ['config_check', 'update'] });
    expect(decide(desired, recordFromProbe(desired, 'Down'))).toMatchObject({ actions: ['config_check', 'create'] });
  });
});

describe('health, info and status', () => {
  it('maps check exit codes', () => {
    expect([0, 1, 2, 3, 4, null].map((c) => healthFromExitCode(c))).toEqual(['Healthy', 'Down', 'PartiallyDown', 'TagMismatch', 'Down', 'Down']);
  });

  it('parses name,url lines', () => {
    expect(parseInfo('web,https://x.shop.example.com\n\nadmin , https://a,b\nnoise\r\n')).toEqual([{ name: 'web', url: 'https://x.shop.example.com' }, { name: 'admin', url: 'https://a,b' }]);
  });

  it('keeps only http and https links: javascript:, data: and other schemes never reach the status', () => {
    const out = ['xss,javascript:alert(document.cookie)', 'upper,JavaScript:alert(1)', 'spaced, javascript:alert(1)', 'data,data:text/html,<script>alert(1)</script>',
      'file,file:///etc/passwd', 'vb,vbscript:msgbox', 'relative,/admin', 'plain,http://x.example.com/', 'web,HTTPS://y.example.com'].join('\n');
    expect(parseInfo(out)).toEqual([{ name: 'plain', url: 'http://x.example.com/' }, { name: 'web', url: 'HTTPS://y.example.com' }]);
  });

  it('reports a resource with a step due as pending, never Clean', () => {
    expect(pendingResourceStatus('feature-x', '1.1', undefined, { kind: 'probe' })).toEqual({ name: 'feature-x', state: 'Outdated', version: '1.1', reason: 'CheckPending', errors: [] });
    const update = decide(desired, { ...running, fingerprint: 'f1', version: '1.0' });
    expect(pendingResourceStatus('feature-x', '1.1', { ...running, fingerprint: 'f1', version: '1.0' }, update)).toMatchObject({ state: 'Outdated', scriptState: 'UpdatePending', liveVersion: '1.0', reason: 'UpdatePending' });
  });

  it('reports script states as rollout states', () => {
    expect(scriptRolloutState(running)).toBe('Clean');
    expect(scriptRolloutState({ ...running, health: 'PartiallyDown' })).toBe('InProgress');
    expect(scriptRolloutState({ ...running, health: 'TagMismatch' })).toBe('Outdated');
    expect(scriptRolloutState({ ...running, health: 'Down' })).toBe('Failed');
    expect(scriptRolloutState({ ...running, state: 'UpdatePending' })).toBe('Outdated');
    expect(scriptRolloutState({ ...running, state: 'CleanupFailed' })).toBe('Failed');
    expect(scriptRolloutState({ ...running, state: 'Archived' })).toBe('Clean');
    expect(scriptResourceStatus('feature-x', '1.2', { ...running, health: 'Down', links: [] }, [])).toMatchObject({ state: 'Failed', version: '1.2', liveVersion: '1.1', reason: 'Down', scriptState: 'Running', links: [] });
  });
});
