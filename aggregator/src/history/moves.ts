// What a promotion moved, per resource, and whether each move stepped back in pipeline order.
// The moves are read from the promotion's own message (the transitioner writes a `* name from → to` line per
// resource, in the words of common/src/api/move-words.ts), so indexing costs no blob reads; the order is asked of
// the version catalog when a page or a live commit is sent, because a version's place in the pipeline never changes.
import type { HistoryEntry, HistoryMove } from '@cascade/common/api';
import { parseMoveLine } from '@cascade/common/api';

/** Where each version of a resource entered the pipeline relative to another: true when `a` entered before `b`, undefined when unknown. */
export type PipelineOrder = (resource: string, a: string, b: string) => boolean | undefined;

/** The moves a promotion's body lists in `env` (its target), in the body's order; empty for a body without section lines. */
export function promotionMoves(body: string, env: string): HistoryMove[] {
  return body.split('\n').flatMap((line) => {
    const move = parseMoveLine(line);
    return move === undefined ? [] : [{ ...move, env }];
  });
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
