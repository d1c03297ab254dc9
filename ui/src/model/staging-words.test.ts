import { describe, expect, it } from 'vitest';
import { stagingView } from './fixtures/stagings.ts';
import { archiveWords, describePhase, describeStagingAction, nextStep } from './staging-words.ts';

const NOW = new Date('2026-11-22T10:00:00Z');

describe('describePhase', () => {
  it('words each phase plainly, spins while something is under way, and keeps the reason', () => {
    expect(describePhase(stagingView('a', { phase: 'CreatePending', reason: 'NotAllUpdated 0/1' }), true)).toMatchObject({ label: 'being created', pending: true, reason: 'updating: 0 of 1 pods on the new version', code: 'NotAllUpdated 0/1' });
    expect(describePhase(stagingView('a', { phase: 'Running' }), true)).toMatchObject({ label: 'running', tone: 'ok', pending: false });
    expect(describePhase(stagingView('a', { phase: 'Failure', reason: 'ImagePullBackOff' }), true)).toMatchObject({ label: 'failed', tone: 'bad', reason: 'cannot pull the image', code: 'ImagePullBackOff' });
    expect(describePhase(stagingView('a', { phase: 'Held', reason: 'unknown kind "x"' }), true)).toMatchObject({ label: 'held: its file cannot be used', tone: 'bad', reason: 'unknown kind "x"' });
  });

  it('waits for the deployer before its first report, and says unknown when the deployer cannot be reached', () => {
    expect(describePhase(stagingView('a', { phase: undefined }), true)).toMatchObject({ label: 'waiting for the deployer', pending: true });
    expect(describePhase(stagingView('a', { phase: undefined }), false)).toMatchObject({ label: 'unknown', pending: false, reason: 'the deployer cannot be reached' });
  });
});

describe('nextStep', () => {
  it('says when an active staging is archived and an archived one cleaned up, relative to now', () => {
    expect(nextStep(stagingView('a', { archiveAt: '2026-11-28T10:00:00Z' }), NOW)).toEqual({ text: 'archived in 6 d', at: '2026-11-28T10:00:00Z' });
    expect(nextStep(stagingView('a', { state: 'archived', cleanupAt: '2026-11-22T13:20:00Z' }), NOW)).toEqual({ text: 'cleaned up in 3 h', at: '2026-11-22T13:20:00Z' });
    expect(nextStep(stagingView('a', { state: 'archived', cleanupAt: '2026-11-22T09:00:00Z' }), NOW).text).toBe('cleanup due now');
  });

  it('says what keeps a staging when nothing is planned', () => {
    expect(nextStep(stagingView('a'), NOW).text).toBe('runs until archived');
    expect(nextStep(stagingView('a', { state: 'cleanup' }), NOW).text).toBe('being cleaned up');
  });
});

describe('the words of archive and history', () => {
  it('says how long an archived staging keeps its data', () => {
    expect(archiveWords('checkout-test', 3 * 86_400_000)).toBe('Archiving stops the services of checkout-test; its data is kept for 3 days, then it is cleaned up. Restore brings it back with its last settings and the same data.');
    expect(archiveWords('x', undefined)).toContain('its data is kept until it is cleaned up');
  });

  it('words each commit action, and a commit without one as a hand edit', () => {
    expect([describeStagingAction('create'), describeStagingAction('cleanup'), describeStagingAction(undefined)]).toEqual(['created', 'cleanup asked', 'edited by hand']);
  });
});
