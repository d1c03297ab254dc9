import { describe, expect, it } from 'vitest';
import type { Manifest } from '@cascade/common';
import { formatRolloutReason } from './reason-text.ts';
import { rolloutStatus } from './rollout.ts';

function deployment(spec: Manifest, status: Manifest, generation = 2): Manifest {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', generation }, spec, status: { observedGeneration: 2, ...status } };
}
const text = (o: Manifest): string => {
  const r = rolloutStatus(o);
  return r.state === 'Clean' ? 'Clean' : `${r.state} ${formatRolloutReason(r.reason)}`;
};

describe('rolloutStatus: Deployment', () => {
  it('waits for the controller to observe the newest generation', () => {
    expect(rolloutStatus(deployment({ replicas: 1 }, { observedGeneration: 1 }, 2))).toEqual({ state: 'InProgress', reason: { kind: 'NotYetObserved', generation: 2, observedGeneration: 1 } });
  });

  it('walks through the rollout reasons in kubectl order', () => {
    expect(text(deployment({ replicas: 3 }, { updatedReplicas: 1, replicas: 3 }))).toBe('InProgress NotAllUpdated 1/3');
    expect(text(deployment({ replicas: 3 }, { updatedReplicas: 3, replicas: 4 }))).toBe('InProgress OldReplicasPending 1');
    expect(text(deployment({ replicas: 3 }, { updatedReplicas: 3, replicas: 3, availableReplicas: 2 }))).toBe('InProgress UpdatedUnavailable 2/3');
    expect(text(deployment({ replicas: 3 }, { updatedReplicas: 3, replicas: 3, availableReplicas: 3 }))).toBe('Clean');
  });

  it('defaults replicas to 1 and treats a scaled-to-zero Deployment as clean', () => {
    expect(text(deployment({}, {}))).toBe('InProgress NotAllUpdated 0/1');
    expect(text(deployment({ replicas: 0 }, {}))).toBe('Clean');
  });

  it('fails when the progress deadline is exceeded', () => {
    const status = { updatedReplicas: 0, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "d-1" has timed out progressing.' }] };
    expect(text(deployment({ replicas: 1 }, status))).toBe('Failed ProgressDeadlineExceeded: ReplicaSet "d-1" has timed out progressing.');
  });

  it('keeps going while Progressing is true', () => {
    const status = { updatedReplicas: 0, conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' }] };
    expect(text(deployment({ replicas: 1 }, status))).toBe('InProgress NotAllUpdated 0/1');
  });
});

describe('rolloutStatus: StatefulSet', () => {
  const sts = (spec: Manifest, status: Manifest): Manifest => ({ kind: 'StatefulSet', metadata: { generation: 1 }, spec, status: { observedGeneration: 1, ...status } });

  it('waits for ready replicas, then for the update revision', () => {
    expect(text(sts({ replicas: 2 }, { readyReplicas: 1 }))).toBe('InProgress NotAllReady 1/2');
    expect(text(sts({ replicas: 2 }, { readyReplicas: 2, updatedReplicas: 1, currentRevision: 'a', updateRevision: 'b' }))).toBe('InProgress NotAllUpdated 1/2');
    expect(text(sts({ replicas: 2 }, { readyReplicas: 2, updatedReplicas: 2, currentRevision: 'b', updateRevision: 'b' }))).toBe('Clean');
  });

  it('counts only the pods above the partition', () => {
    const spec = { replicas: 4, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } };
    expect(text(sts(spec, { readyReplicas: 4, updatedReplicas: 1 }))).toBe('InProgress NotAllUpdated 1/2');
    expect(text(sts(spec, { readyReplicas: 4, updatedReplicas: 2, currentRevision: 'a', updateRevision: 'b' }))).toBe('Clean');
  });

  it('has nothing to wait for with OnDelete', () => {
    expect(text(sts({ replicas: 2, updateStrategy: { type: 'OnDelete' } }, { readyReplicas: 0 }))).toBe('Clean');
  });
});

describe('rolloutStatus: DaemonSet', () => {
  const ds = (status: Manifest, generation = 1): Manifest => ({ kind: 'DaemonSet', metadata: { generation }, spec: {}, status: { observedGeneration: 1, ...status } });

  it('waits for updated, then available pods on every node', () => {
    expect(text(ds({ desiredNumberScheduled: 3, updatedNumberScheduled: 1 }))).toBe('InProgress NotAllUpdated 1/3');
    expect(text(ds({ desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2 }))).toBe('InProgress UpdatedUnavailable 2/3');
    expect(text(ds({ desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 }))).toBe('Clean');
    expect(text(ds({}, 2))).toBe('InProgress NotYetObserved 1/2');
  });
});

describe('rolloutStatus: Job and other kinds', () => {
  const job = (status: Manifest): Manifest => ({ kind: 'Job', metadata: {}, status });

  it('is clean when complete, failed on its Failed condition, running otherwise', () => {
    expect(text(job({ conditions: [{ type: 'Complete', status: 'True' }] }))).toBe('Clean');
    expect(text(job({ conditions: [{ type: 'Failed', status: 'True', message: 'BackoffLimitExceeded' }] }))).toBe('Failed JobFailed: BackoffLimitExceeded');
    expect(text(job({ active: 1 }))).toBe('InProgress JobRunning 1 active, 0 succeeded');
  });

  it('treats every other kind as clean once it exists', () => {
    expect(rolloutStatus({ kind: 'ConfigMap', metadata: { name: 'x' } })).toEqual({ state: 'Clean' });
  });
});

describe('formatRolloutReason', () => {
  it('formats reasons without a message by their kind alone', () => {
    expect(formatRolloutReason({ kind: 'ProgressDeadlineExceeded', message: '' })).toBe('ProgressDeadlineExceeded');
    expect(formatRolloutReason({ kind: 'JobFailed', message: '' })).toBe('JobFailed');
    expect(formatRolloutReason({ kind: 'NotFound' })).toBe('NotFound');
  });
});
