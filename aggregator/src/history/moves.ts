// What a promotion moved, per resource, and whether each move stepped back in pipeline order.
// The moves are read from the promotion's own message (the transitioner writes a `* name from → to` line per
// resource, see transitioner/src/core/commit-message.ts), so indexing costs no blob reads; the order is asked of
// the version catalog when a page or a live commit is sent, because a version's place in the pipeline never changes.
import type { HistoryEntry, HistoryMove } from '@cascade/common/api';

/** Where each version of a resource entered the pipeline relative to another: true when `a` entered before `b`, undefined when unknown. */
export type PipelineOrder = (resource: string, a: string, b: string) => boolean | undefined;

// `* shop/cart 1.5.2 → 1.5.1`, `* payments 2.0 (new)`, `* search removed (was 1.2)`.
const CHANGED = /^\* (\S+) (\S+) → (\S+)$/;
const ADDED = /^\* (\S+) (\S+) \(new\)$/;
const REMOVED = /^\* (\S+) removed \(was (\S+)\)$/;

/** The moves a promotion's body lists in `env` (its target), in the body's order; empty for a body without section lines. */
export function promotionMoves(body: string, env: string): HistoryMove[] {
  const moves: HistoryMove[] = [];
  for (const line of body.split('\n')) {
    if (!line.startsWith('* ')) continue;
    const changed = CHANGED.exec(line);
    if (changed) moves.push({ resource: changed[1]!, env, from: changed[2]!, to: changed[3]! });
    const added = ADDED.exec(line);
    if (added) moves.push({ resource: added[1]!, env, to: added[2]! });
    const removed = REMOVED.exec(line);
    if (removed) moves.push({ resource: removed[1]!, env, from: removed[2]! });
  }
  return moves;
}

/** The entry with each move from one version to another marked as a downgrade or not, where `order` knows both versions. */
export function withPipelineOrder(entry: HistoryEntry, order: PipelineOrder): HistoryEntry {
  if (entry.moves === undefined || entry.moves.length === 0) return entry;
  const moves = entry.moves.map((move) => {
    const { downgrade: _unknownUntilAsked, ...plain } = move;
    if (move.from === undefined || move.to === undefined || move.from === move.to) return plain;
    const earlier = order(move.resource, move.to, move.from);
    return earlier === undefined ? plain : { ...plain, downgrade: earlier };
  });
  return { ...entry, moves };
}
