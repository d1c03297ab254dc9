import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '@cascade/common/api';
import { promotionMoves, withPipelineOrder, type PipelineOrder } from './moves.ts';

/** Versions in the order they entered the pipeline, per resource; others are unknown. */
function orderOf(entered: Record<string, string[]>): PipelineOrder {
  return (resource, a, b) => {
    const list = entered[resource] ?? [];
    const [x, y] = [list.indexOf(a), list.indexOf(b)];
    return x < 0 || y < 0 ? undefined : x < y;
  };
}

const promotion = (body: string): HistoryEntry => ({
  commit: 'c'.repeat(40), parents: [], type: 'Transition', author: { name: 'transitioner', email: '' }, time: '2026-01-01T00:00:00Z',
  subject: 'Promote dev → pp', body, environments: ['pp'], resources: [], versions: [], trailers: [], moves: promotionMoves(body, 'pp'),
});

describe('promotionMoves', () => {
  it('reads every resource a promotion moved, new and removed ones too, skipping changelog lines', () => {
    const body = '* shop/cart 1.5.2 → 1.5.1\n  Roll back shop/cart in dev to 1.5.1\n  * not a section\n* payments 2.0 (new)\n* search removed (was 3.1)';
    expect(promotionMoves(body, 'pp')).toEqual([
      { resource: 'shop/cart', env: 'pp', from: '1.5.2', to: '1.5.1' },
      { resource: 'payments', env: 'pp', to: '2.0' },
      { resource: 'search', env: 'pp', from: '3.1' },
    ]);
  });

  it('finds nothing in a body without section lines, or with an unreadable version', () => {
    expect(promotionMoves('Held (pp keeps what it has):\n- shop/cart: locked', 'pp')).toEqual([]);
    expect(promotionMoves('* shop/cart (unreadable version) → 1.2', 'pp')).toEqual([]);
  });
});

describe('withPipelineOrder', () => {
  it('marks a move to a version that entered the pipeline earlier as a downgrade, whatever the versions look like', () => {
    const entry = promotion('* shop/cart 1.5.2 → 1.5.1\n* payments 0c3d7b2 → e4f2a91\n* search 1.9 → 2.0');
    const order = orderOf({ 'shop/cart': ['1.5.1', '1.5.2'], payments: ['e4f2a91', '0c3d7b2'], search: ['2.0', '1.9'] });
    expect(withPipelineOrder(entry, order).moves?.map((m) => [m.resource, m.downgrade])).toEqual([
      ['shop/cart', true],
      ['payments', true],
      // 2.0 entered before 1.9 (a hotfix line): by pipeline order this is a step back, although the numbers grow.
      ['search', true],
    ]);
    const up = withPipelineOrder(promotion('* shop/cart 1.5.1 → 1.5.2'), order);
    expect(up.moves).toEqual([{ resource: 'shop/cart', env: 'pp', from: '1.5.1', to: '1.5.2', downgrade: false }]);
  });

  it('leaves the mark out where the order of either version is unknown, and for new or removed resources', () => {
    const entry = promotion('* shop/cart 1.6.0 → 1.5.1\n* payments 2.0 (new)\n* search removed (was 3.1)');
    const marked = withPipelineOrder(entry, orderOf({ 'shop/cart': ['1.5.1'] }));
    expect(marked.moves?.every((move) => move.downgrade === undefined)).toBe(true);
  });

  it('returns an entry without moves as it is', () => {
    const entry = { ...promotion(''), type: 'Lock' as const, moves: undefined };
    expect(withPipelineOrder(entry, orderOf({}))).toBe(entry);
  });
});
