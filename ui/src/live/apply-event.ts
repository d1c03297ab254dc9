// Applies the aggregator's numbered events to the state the page holds: a snapshot replaces, its parts append, a
// delta patches.
import type { AggregatorStatus, StreamEvent } from '../api/wire.ts';
import { appendPart, applyDelta, DeltaMismatchError } from '@cascade/common/api';

/** The shared delta logic, re-exported so the page imports live-state code from one place. */
export { applyDelta };

/** The live state: the status and the number of the last event applied. */
export interface LiveState {
  seq: number;
  status: AggregatorStatus;
  /** While a snapshot sent in parts is arriving: parts still to come, and how many resources it has in all. */
  pending?: { parts: number; total: number };
}

/** The result of applying an event: the new state, or something that needs a full resync (a gap in the numbering, a delta that does not fit). */
export type Applied =
  | { kind: 'state'; state: LiveState }
  | { kind: 'gap'; expected: number; got: number }
  | { kind: 'mismatch'; message: string };

/** Applies `event` on top of `state` (undefined before the first snapshot). Pure: never mutates its inputs. */
export function applyEvent(state: LiveState | undefined, event: StreamEvent): Applied {
  if (event.type === 'snapshot') {
    const rest = event.rest;
    const pending = rest !== undefined && rest.parts > 0 ? { pending: { parts: rest.parts, total: event.status.resources.length + rest.resources } } : {};
    return { kind: 'state', state: { seq: event.seq, status: event.status, ...pending } };
  }
  if (event.type === 'part') {
    if (state?.pending === undefined || event.seq !== state.seq) return { kind: 'mismatch', message: `a part of snapshot ${event.seq} arrived without its snapshot` };
    const parts = state.pending.parts - 1;
    const pending = parts > 0 ? { pending: { parts, total: state.pending.total } } : {};
    return { kind: 'state', state: { seq: state.seq, status: appendPart(state.status, event.part), ...pending } };
  }
  // A delta in the middle of a snapshot's parts, or out of order, means events were lost.
  if (state === undefined || state.pending !== undefined || event.seq !== state.seq + 1) return { kind: 'gap', expected: (state?.seq ?? 0) + 1, got: event.seq };
  try {
    return { kind: 'state', state: { seq: event.seq, status: applyDelta(state.status, event.delta) } };
  } catch (error) {
    if (error instanceof DeltaMismatchError) return { kind: 'mismatch', message: error.message };
    throw error;
  }
}
