import { describe, expect, it } from 'vitest';
import { stagingView } from './fixtures/stagings.ts';
import { filterStagings, isStateFilter } from './staging-list.ts';

const STAGINGS = [
  stagingView('checkout-test', { tag: '1.5.0-rc.1' }),
  stagingView('feature-jira-12-login', { phase: 'CreatePending', branch: 'feature/JIRA-12_Login', tag: '1f3e9a2' }),
  stagingView('broken', { phase: 'Held', kind: 'bare' }),
  stagingView('old-demo', { state: 'archived', phase: 'Archived' }),
  stagingView('gone-soon', { state: 'cleanup', phase: 'CleanupFailed' }),
  stagingView('new-one', { phase: undefined }),
];
const names = (filtered: ReturnType<typeof filterStagings>) => ({ active: filtered.active.map((s) => s.name), archived: filtered.archived.map((s) => s.name) });

describe('filterStagings', () => {
  it('puts archived stagings and those being cleaned up apart from the active ones', () => {
    expect(names(filterStagings(STAGINGS, {}))).toEqual({ active: ['checkout-test', 'feature-jira-12-login', 'broken', 'new-one'], archived: ['old-demo', 'gone-soon'] });
  });

  it('filters by state in plain categories: running, in progress (unreported too), failed or held, archived', () => {
    expect(names(filterStagings(STAGINGS, { state: 'running' }))).toEqual({ active: ['checkout-test'], archived: [] });
    expect(names(filterStagings(STAGINGS, { state: 'pending' }))).toEqual({ active: ['feature-jira-12-login', 'new-one'], archived: [] });
    expect(names(filterStagings(STAGINGS, { state: 'failed' }))).toEqual({ active: ['broken'], archived: ['gone-soon'] });
    expect(names(filterStagings(STAGINGS, { state: 'archived' }))).toEqual({ active: [], archived: ['old-demo', 'gone-soon'] });
  });

  it('filters by kind and searches name, tag and branch in any case', () => {
    expect(names(filterStagings(STAGINGS, { kind: 'bare' })).active).toEqual(['broken']);
    expect(names(filterStagings(STAGINGS, { text: 'JIRA' })).active).toEqual(['feature-jira-12-login']);
    expect(names(filterStagings(STAGINGS, { text: '1f3e' })).active).toEqual(['feature-jira-12-login']);
    expect(names(filterStagings(STAGINGS, { text: 'rc.1' })).active).toEqual(['checkout-test']);
    expect(names(filterStagings(STAGINGS, { text: 'demo', state: 'running' }))).toEqual({ active: [], archived: [] });
  });

  it('knows its state filters by name', () => {
    expect(['all', 'running', 'pending', 'failed', 'archived'].every(isStateFilter)).toBe(true);
    expect(isStateFilter('Running')).toBe(false);
  });
});
