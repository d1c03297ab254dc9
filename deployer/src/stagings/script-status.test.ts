import { describe, expect, it } from 'vitest';
import type { StagingDeployment } from '@cascade/common';
import { deriveStagings, parseSnapshot, repoFilesFromText } from '@cascade/common';
import type { StagingScriptStep } from './script-decide.ts';
import { stagingScriptInput, stagingWant } from './script-input.ts';
import type { StagingMilestone, StagingScriptRecord } from './script-record.ts';
import { newRecord } from './script-record.ts';
import { scriptStagingStatus } from './script-status.ts';

function deployment(staging = 'kind: feature\ntag: t2\n'): StagingDeployment {
  const snapshot = parseSnapshot(repoFilesFromText('c1', {
    'deployers.yaml': 'deployers:\n  dev: { target: scripts }\n',
    'dev/version/app.yaml': 'version: "1"\n',
    'stagings.yaml': 'stagings:\n  feature: { template: dev, target: scripts, namespace: "shop-{name}", baseDomain: shop.example.com }\n',
    'stagings/feature-x.yaml': staging,
  }));
  return deriveStagings(snapshot).deployments.get('feature-x')!;
}

const project = { projectName: 'Shop', baseDomain: 'target.example.com' };
const record = (action: StagingMilestone | undefined, extra: Partial<StagingScriptRecord> = {}): StagingScriptRecord => ({
  ...newRecord('feature-x', 'scripts', 'salt'),
  ...(action === undefined ? {} : { done: { action, at: '2026-03-01T11:00:00.000Z', commit: 'c0' } }),
  deployed: { settings: 'f1', tag: 't1' },
  lastActionAt: '2026-03-01T11:00:00.000Z',
  ...extra,
});

function statusOf(r: StagingScriptRecord | undefined, step: StagingScriptStep = { kind: 'idle' }, file?: string, secrets: Record<string, string> = {}) {
  const d = deployment(file);
  const input = stagingScriptInput({ project, transport: 'file' }, d, secrets);
  const links = d.staging.state === 'active' ? [{ name: 'feature-x', url: 'https://feature-x.shop.example.com' }] : [];
  return scriptStagingStatus({ deployment: d, links, input, record: r, step, errors: [], ...(input.ok ? { want: stagingWant(input, r?.salt ?? '') } : {}) });
}

describe('scriptStagingStatus', () => {
  it('reports a pending step with what is due, and the last action time and commit', () => {
    const status = statusOf(record('create'), { kind: 'run', pending: 'UpdatePending', actions: ['config_check', 'update'], success: 'Running', failure: 'Failure' });
    expect(status).toMatchObject({ name: 'feature-x', kind: 'feature', target: 'scripts', namespace: 'shop-feature-x', tag: 't2', phase: 'UpdatePending', reason: 'config_check, update due or running', lastActionAt: '2026-03-01T11:00:00.000Z', commit: 'c0' });
    expect(status.resources).toEqual([expect.objectContaining({ name: 'feature-x', state: 'Outdated', version: 't2', liveVersion: 't1', scriptState: 'UpdatePending' })]);
  });

  it('maps check health onto the status as for environments', () => {
    const cases = [['Healthy', 'Clean'], ['Down', 'Failed'], ['PartiallyDown', 'InProgress'], ['TagMismatch', 'Outdated']] as const;
    for (const [health, state] of cases) {
      const status = statusOf(record('update', { health }));
      expect(status.phase).toBe('Running');
      expect(status.resources[0]).toMatchObject({ state, health });
      if (health !== 'Healthy') expect(status.reason).toBe(`check: ${health}`);
    }
  });

  it('links the pass links first, then what info printed while running, each URL once', () => {
    const links = [{ name: 'web', url: 'https://web.feature-x.shop.example.com' }, { name: 'again', url: 'https://feature-x.shop.example.com' }];
    expect(statusOf(record('create', { links })).links).toEqual([{ name: 'feature-x', url: 'https://feature-x.shop.example.com' }, links[0]]);
    expect(statusOf(record('archive_check', { links }), { kind: 'idle' }, 'kind: feature\ntag: t2\nstate: archived\n').links).toEqual([]);
  });

  it('reports a failure that still applies, and not one the file has moved past', () => {
    const d = deployment();
    const input = stagingScriptInput({ project, transport: 'file' }, d, {});
    if (!input.ok) throw new Error('unusable fixture');
    const attempt = stagingWant(input, 'salt').attempt;
    const failed = record('create', { failure: { action: 'update', reason: 'update exited with 1 (see the control-script logs)', at: 'x', attempt, phase: 'Failure' } });
    expect(statusOf(failed)).toMatchObject({ phase: 'Failure', reason: 'update exited with 1 (see the control-script logs)', resources: [{ state: 'Failed', scriptState: 'Failure' }] });
    expect(statusOf({ ...failed, failure: { ...failed.failure!, attempt: 'older' } }).phase).toBe('Running');
  });

  it('reports archiving, archived and cleaned-up stagings', () => {
    expect(statusOf(record('archive', { archiveCheck: { attempts: 2, at: 'x', reason: 'archive_check exited with 1' } }), { kind: 'idle' }, 'kind: feature\ntag: t2\nstate: archived\n')).toMatchObject({ phase: 'ArchivePending', reason: 'archive_check: archive_check exited with 1' });
    expect(statusOf(record('archive_check'), { kind: 'idle' }, 'kind: feature\ntag: t2\nstate: archived\n')).toMatchObject({ phase: 'Archived', resources: [{ state: 'Clean', scriptState: 'Archived' }] });
    const gone = statusOf(record('cleanup', { deployed: undefined }), { kind: 'idle' }, 'kind: feature\ntag: t2\nstate: cleanup\n');
    expect(gone).toMatchObject({ phase: 'CleanedUp', resources: [{ state: 'Clean' }] });
    expect(gone.resources[0]!.scriptState).toBeUndefined();
  });

  it('fails a staging whose input cannot be passed, naming the file, without a script', () => {
    const status = statusOf(undefined, { kind: 'idle' }, 'kind: feature\ntag: t2\nstate: cleanup\n', { KEY: 'a\u0000b' });
    expect(status).toMatchObject({ phase: 'CleanupFailed', errors: [{ code: 'invalid-script-argument', file: 'stagings/feature-x.yaml' }], resources: [{ state: 'Failed' }] });
  });
});
