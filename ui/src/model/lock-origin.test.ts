import { expect, it } from 'vitest';
import type { HistoryEntry } from '../api/wire.ts';
import { lockOrigins } from './lock-origin.ts';

const lock = (body: string, resources: string[], by: string, time: string): HistoryEntry => ({
  commit: `${by}${time}`, parents: [], type: 'Lock', author: { name: by, email: '' }, time, subject: 'Lock', body, environments: ['prod'], resources, versions: [], trailers: [],
});

it('finds who added each reason and when, the environment lock apart from a resource’s', () => {
  const entries = [lock('release freeze', [], 'Dana', '2026-12-02T08:00:00Z'), lock('incident 4711', ['shop/cart'], 'Bob', '2026-12-01T08:00:00Z'), lock('release freeze', [], 'Old', '2026-11-01T08:00:00Z')];
  expect([...lockOrigins(entries, ['release freeze', 'unknown'])]).toEqual([['release freeze', { by: 'Dana', time: '2026-12-02T08:00:00Z' }]]);
  expect(lockOrigins(entries, ['incident 4711'], 'shop/cart').get('incident 4711')).toEqual({ by: 'Bob', time: '2026-12-01T08:00:00Z' });
  expect(lockOrigins(entries, ['incident 4711']).size).toBe(0);
});
