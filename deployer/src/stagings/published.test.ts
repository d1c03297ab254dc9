import { describe, expect, it } from 'vitest';
import type { StagingStatus } from '@cascade/common';
import { PublishedStagings } from './published.ts';

const status = (name: string, phase: StagingStatus['phase'] = 'Running', commit = 'c1'): StagingStatus => ({ name, kind: 'feature', tag: '1', phase, commit, links: [], resources: [], errors: [] });

describe('PublishedStagings', () => {
  it('lists the stagings in the repo\'s order whatever order they ended in, and tells of each change of phase or commit', () => {
    const told: string[] = [];
    const published = new PublishedStagings((name) => void told.push(name));
    const files = new Set(['a', 'b', 'c']);
    published.publish(status('c', 'CreatePending'), files);
    published.publish(status('a'), files);
    published.publish(status('c', 'CreatePending'), files);
    published.publish(status('c', 'Running'), files);
    published.publish(status('a', 'Running', 'c2'), files);
    expect(published.list(files).map((s) => s.name)).toEqual(['a', 'c']);
    expect(told).toEqual(['c', 'a', 'c', 'a']);
    expect(published.byName.get('c')?.phase).toBe('Running');
  });

  it('ignores a staging whose file went while its turn ran, and drops those gone when told, telling of each', () => {
    const told: string[] = [];
    const published = new PublishedStagings((name) => void told.push(name));
    published.publish(status('a'), new Set(['a', 'b']));
    published.publish(status('b'), new Set(['a', 'b']));
    published.publish(status('gone'), new Set(['a', 'b']));
    expect(published.list(['b', 'a']).map((s) => s.name)).toEqual(['b', 'a']);
    // Still listed, after the others, until the pass that read it gone says so.
    expect(published.list(['a']).map((s) => s.name)).toEqual(['a', 'b']);
    published.retain(new Set(['a']));
    expect(published.list(['a']).map((s) => s.name)).toEqual(['a']);
    expect(told).toEqual(['a', 'b', 'b']);
  });
});
