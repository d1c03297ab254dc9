import { describe, expect, it } from 'vitest';
import { objectRolloutWords, reasonWords, rolloutReasonWords, rolloutWords, withReasonWords } from './rollout-words.ts';

describe('rollout words', () => {
  it('says each reason of the deployer without Kubernetes words', () => {
    expect(rolloutReasonWords({ kind: 'NotAllReady', expected: 2, ready: 1 })).toBe('starting: 1 of 2 pods ready');
    expect(rolloutReasonWords({ kind: 'UpdatedUnavailable', available: 0, updated: 3 })).toBe('starting: 0 of 3 new pods available');
    expect(rolloutReasonWords({ kind: 'NotYetObserved', generation: 2, observedGeneration: 1 })).toBe('waiting for Kubernetes to pick up the change');
    expect(rolloutReasonWords({ kind: 'OldReplicasPending', count: 1 })).toBe('stopping 1 old pod');
    expect(rolloutReasonWords({ kind: 'JobFailed', message: '' })).toBe('job failed');
  });

  it('reads the text form back, and leaves sentences alone', () => {
    expect(reasonWords('NotAllUpdated 1/2')).toBe('updating: 1 of 2 pods on the new version');
    expect(reasonWords('NotAllReady 0/3')).toBe('starting: 0 of 3 pods ready');
    expect(reasonWords('NotYetObserved 1/2')).toBe('waiting for Kubernetes to pick up the change');
    expect(reasonWords('ProgressDeadlineExceeded: ReplicaSet "x" has timed out progressing')).toBe('did not finish in time: ReplicaSet "x" has timed out progressing');
    expect(reasonWords('NotFound')).toBe('not found in the cluster');
    expect(reasonWords('ImagePullBackOff')).toBe('cannot pull the image');
    expect(reasonWords('CrashLoopBackOff: back-off 5m0s')).toBe('keeps crashing and restarting: back-off 5m0s');
    expect(reasonWords('constructor')).toBe('constructor');
    expect(reasonWords('the deployer cannot be reached')).toBe('the deployer cannot be reached');
  });

  it('says a rollout state with its reason', () => {
    expect(rolloutWords('InProgress', 'NotAllReady 1/2')).toBe('starting: 1 of 2 pods ready');
    expect(rolloutWords('InProgress')).toBe('rolling out');
    expect(rolloutWords('Unreachable')).toBe('target unreachable');
    expect(rolloutWords('Failed', 'JobFailed: BackoffLimitExceeded')).toBe('failed: job failed: BackoffLimitExceeded');
    expect(rolloutWords('Clean', 'NotFound')).toBe('rolled out');
    expect(rolloutWords('Outdated', 'apply refused')).toBe('outdated: apply refused');
  });

  it('says an object rollout in words', () => {
    expect(objectRolloutWords({ state: 'Clean' })).toBe('rolled out');
    expect(objectRolloutWords({ state: 'InProgress', reason: { kind: 'NotYetObserved', generation: 3, observedGeneration: 2 } })).toBe('rolling out: waiting for Kubernetes to pick up the change');
  });

  it('translates the reasons a sentence quotes in parentheses and nothing else', () => {
    expect(withReasonWords('waiting for latest to finish rolling out: shop/cart (NotAllUpdated 1/3), web (NotYetObserved 4/5)')).toBe(
      'waiting for latest to finish rolling out: shop/cart (updating: 1 of 3 pods on the new version), web (waiting for Kubernetes to pick up the change)',
    );
    expect(withReasonWords('locked (Release freeze) by Dana')).toBe('locked (Release freeze) by Dana');
  });
});
