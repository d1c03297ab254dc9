import { expect, it } from 'vitest';
import { reasonWords, rolloutWords } from './reason-words.ts';

it('says the deployer’s rollout reasons in the dashboard’s words and leaves sentences alone', () => {
  expect(reasonWords('NotAllReady 1/2')).toBe('starting: 1 of 2 pods ready');
  expect(reasonWords('NotYetObserved 1/2')).toBe('waiting for Kubernetes to pick up the change');
  expect(rolloutWords('InProgress', 'UpdatedUnavailable 1/2')).toBe('starting: 1 of 2 new pods available');
  expect(reasonWords('the deployer cannot be reached')).toBe('the deployer cannot be reached');
});
