// What a promotion moved, in the same words on the dashboard and in `cascade history`.
import type { HistoryMove } from './history.ts';

/** `1.5.2 → 1.5.1 (downgrade)`, `2.0 (new)`, `removed (was 1.2)`: one move without its resource name. */
export function moveVersionWords(move: Pick<HistoryMove, 'from' | 'to' | 'downgrade'>): string {
  if (move.from === undefined) return `${move.to ?? '?'} (new)`;
  if (move.to === undefined) return `removed (was ${move.from})`;
  return `${move.from} → ${move.to}${move.downgrade === true ? ' (downgrade)' : ''}`;
}

/** `shop/cart 1.5.2 → 1.5.1 (downgrade)`: one move with its resource name. */
export function moveWords(move: Pick<HistoryMove, 'resource' | 'from' | 'to' | 'downgrade'>): string {
  return `${move.resource} ${moveVersionWords(move)}`;
}
