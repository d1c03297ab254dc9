import { describe, expect, it } from 'vitest';
import type { EnvironmentStatus, ResourceStatus, StagingStepAction, StagingIntent } from '@cascade/common';
import type { StagingNamespace } from '../kubernetes/staging-namespace.ts';
import { phaseAfterApply, planKubernetesStaging, type KubernetesPlanInput } from './kubernetes-phase.ts';

const ours = (terminating = false): StagingNamespace => ({ state: 'ours', terminating });
const foreign: StagingNamespace = { state: 'foreign', why: 'Cascade did not create it', terminating: false };
const absent: StagingNamespace = { state: 'absent' };

function plan(intent: StagingIntent, found: StagingNamespace | undefined, more: Partial<KubernetesPlanInput> = {}) {
  const action: StagingStepAction = intent === 'cleanup' ? 'cleanup' : intent === 'archived' ? 'archive' : 'create';
  return planKubernetesStaging({ intent, action, staging: 'feature-x', kind: 'feature', installation: 'shop', namespace: 'shop-feature-x', refusal: undefined, found, ...more });
}

describe('planKubernetesStaging', () => {
  it('applies an active staging, creating its namespace when missing', () => {
    expect(plan('active', absent)).toEqual({ do: 'apply', create: true });
    expect(plan('active', ours())).toEqual({ do: 'apply', create: false });
    expect(plan('archived', ours())).toEqual({ do: 'apply', create: false });
  });

  it('refuses a namespace the policy does not allow, or one that is not this staging\'s, applying nothing', () => {
    expect(plan('active', undefined, { refusal: 'not allowed here' })).toMatchObject({ do: 'report', phase: 'Failure', reason: 'not allowed here', error: { code: 'namespace-not-allowed' } });
    const taken = plan('active', foreign);
    expect(taken).toMatchObject({ do: 'report', phase: 'Failure', error: { code: 'namespace-not-owned' } });
    expect(taken.do === 'report' && taken.reason).toContain('cascade.dev/staging=feature-x');
    expect(plan('archived', { state: 'foreign', why: 'it belongs to staging other', terminating: false })).toMatchObject({ do: 'report', phase: 'Failure', reason: expect.stringContaining('staging other') });
    expect(plan('active', undefined, { namespace: undefined })).toMatchObject({ do: 'report', phase: 'Failure', error: { code: 'staging-no-namespace' } });
  });

  it('waits for a namespace that is still being deleted before creating it again', () => {
    expect(plan('active', ours(true), { action: 'restore' })).toMatchObject({ do: 'report', phase: 'UpdatePending', reason: expect.stringContaining('still being deleted') });
    expect(plan('archived', ours(true))).toMatchObject({ do: 'report', phase: 'ArchivePending' });
  });

  it('reports an archived staging without a namespace as Archived without creating anything', () => {
    expect(plan('archived', absent)).toMatchObject({ do: 'report', phase: 'Archived' });
  });

  it('cleans up only its own namespace: delete, wait while it terminates, CleanedUp once gone', () => {
    expect(plan('cleanup', ours())).toEqual({ do: 'delete' });
    expect(plan('cleanup', ours(true))).toMatchObject({ do: 'report', phase: 'CleanupPending' });
    expect(plan('cleanup', absent)).toMatchObject({ do: 'report', phase: 'CleanedUp' });
    // A kind without namespaces never had one to remove: done at once, also after a restart with nothing kept.
    expect(plan('cleanup', undefined, { namespace: undefined })).toMatchObject({ do: 'report', phase: 'CleanedUp' });
  });

  it('never deletes a namespace that is not its own or that the policy refuses', () => {
    expect(plan('cleanup', foreign)).toMatchObject({ do: 'report', phase: 'CleanupFailed', error: { code: 'namespace-not-owned' }, reason: expect.stringContaining('not created by Cascade') });
    expect(plan('cleanup', { state: 'foreign', why: 'it belongs to staging other', terminating: false })).toMatchObject({ do: 'report', phase: 'CleanupFailed', reason: expect.stringContaining('staging other') });
    expect(plan('cleanup', ours(), { refusal: 'not allowed' })).toMatchObject({ do: 'report', phase: 'CleanupFailed', error: { code: 'namespace-not-allowed' } });
    // Gone is gone, whatever the policy says now.
    expect(plan('cleanup', absent, { refusal: 'not allowed' })).toMatchObject({ do: 'report', phase: 'CleanedUp' });
  });
});

const resource = (name: string, state: ResourceStatus['state'], reason?: string): ResourceStatus => ({ name, state, errors: [], ...(reason === undefined ? {} : { reason }) });
const env = (state: EnvironmentStatus['state'], resources: ResourceStatus[], errors?: EnvironmentStatus['errors']): EnvironmentStatus => ({ env: 'feature-x', target: 'local', state, resources, ...(errors ? { errors } : {}) });

describe('phaseAfterApply', () => {
  it('is Running once clean, and the step\'s pending phase with what it waits for until then', () => {
    expect(phaseAfterApply({ intent: 'active', action: 'create', env: env('Clean', [resource('web', 'Clean')]), workloadsLeft: [] })).toEqual({ phase: 'Running' });
    expect(phaseAfterApply({ intent: 'active', action: 'create', env: env('InProgress', [resource('api', 'Clean'), resource('web', 'InProgress', 'NotAllUpdated 0/1')]), workloadsLeft: [] }))
      .toEqual({ phase: 'CreatePending', reason: 'web: NotAllUpdated 0/1' });
    expect(phaseAfterApply({ intent: 'active', action: 'update', env: env('Outdated', [resource('web', 'Outdated', 'NotFound')]), workloadsLeft: [] })).toEqual({ phase: 'UpdatePending', reason: 'web: NotFound' });
    expect(phaseAfterApply({ intent: 'active', action: 'restore', env: env('InProgress', [resource('db', 'InProgress', 'NotAllReady 0/1')]), workloadsLeft: [] })).toMatchObject({ phase: 'UpdatePending' });
  });

  it('is Failure with the first failed resource', () => {
    expect(phaseAfterApply({ intent: 'active', action: 'update', env: env('Failed', [resource('api', 'Clean'), resource('web', 'Failed', 'ProgressDeadlineExceeded')]), workloadsLeft: [] }))
      .toEqual({ phase: 'Failure', reason: 'web: ProgressDeadlineExceeded' });
    expect(phaseAfterApply({ intent: 'archived', action: 'archive', env: env('Failed', [], [{ code: 'inventory-write-failed', message: 'cannot record' }]), workloadsLeft: [] }))
      .toEqual({ phase: 'Failure', reason: 'cannot record' });
  });

  it('archives only once no workload or pod is left, naming what it waits for', () => {
    expect(phaseAfterApply({ intent: 'archived', action: 'archive', env: env('Clean', [resource('data', 'Clean')]), workloadsLeft: [] })).toEqual({ phase: 'Archived' });
    const left = ['ReplicaSet web-1', 'Pod web-1-a', 'Pod web-1-b', 'Pod web-1-c', 'Pod db-0', 'StatefulSet db', 'Pod x'];
    const waiting = phaseAfterApply({ intent: 'archived', action: 'archive', env: env('Clean', []), workloadsLeft: left });
    expect(waiting).toEqual({ phase: 'ArchivePending', reason: 'waiting for ReplicaSet web-1, Pod web-1-a, Pod web-1-b, Pod web-1-c, Pod db-0 and 2 more to go' });
    const held = phaseAfterApply({ intent: 'archived', action: 'archive', env: env('Clean', [], [{ code: 'prune-held', message: 'pruning is held until the repo is fixed' }]), workloadsLeft: ['Deployment web'] });
    expect(held).toEqual({ phase: 'ArchivePending', reason: 'pruning is held until the repo is fixed' });
  });
});
