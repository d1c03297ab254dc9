// What a promotion moved, in the same words in the promotion's commit message, on the dashboard and in
// `cascade history`; and reading those words back from a message.
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

// `* shop/cart 1.5.2 → 1.5.1`, `* payments 2.0 (new)`, `* search removed (was 1.2)`, as moveVersionWords writes them.
const CHANGED = /^\* (\S+) (\S+) → (\S+)$/;
const ADDED = /^\* (\S+) (\S+) \(new\)$/;
const REMOVED = /^\* (\S+) removed \(was (\S+)\)$/;

/** The move a promotion message's `* name …` line states, or undefined for any other line. */
export function parseMoveLine(line: string): Pick<HistoryMove, 'resource' | 'from' | 'to'> | undefined {
  const changed = CHANGED.exec(line);
  if (changed) return { resource: changed[1]!, from: changed[2]!, to: changed[3]! };
  const added = ADDED.exec(line);
  if (added) return { resource: added[1]!, to: added[2]! };
  const removed = REMOVED.exec(line);
  if (removed) return { resource: removed[1]!, from: removed[2]! };
  return undefined;
}
