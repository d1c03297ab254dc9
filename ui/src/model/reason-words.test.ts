import { expect, it } from 'vitest';
import { reasonWords } from './reason-words.ts';

it('says the deployer’s rollout reasons in words and leaves sentences alone', () => {
  expect(reasonWords('NotAllUpdated 1/2')).toBe('updating: 1 of 2 pods on the new version');
  expect(reasonWords('NotAllReady 0/3')).toBe('starting: 0 of 3 pods ready');
  expect(reasonWords('NotYetObserved 3/4')).toBe('waiting for Kubernetes to pick up the change');
  expect(reasonWords('ProgressDeadlineExceeded: ReplicaSet "x" has timed out progressing')).toBe('did not finish in time: ReplicaSet "x" has timed out progressing');
  expect(reasonWords('the deployer cannot be reached')).toBe('the deployer cannot be reached');
});
