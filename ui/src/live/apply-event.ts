// Applies the aggregator's numbered events to the state the page holds: a snapshot replaces, a delta patches.
import type { AggregatorStatus, StatusEvent } from '../api/wire.ts';
import { applyDelta } from '@cascade/common/api';

/** The shared delta logic, re-exported so the page imports live-state code from one place. */
export { applyDelta };

/** The live state: the status and the number of the last event applied. */
export interface LiveState {
  seq: number;
  status: AggregatorStatus;
}

/** The result of applying an event: the new state, or a gap in the numbering that needs a full resync. */
export type Applied = { kind: 'state'; state: LiveState } | { kind: 'gap'; expected: number; got: number };

/** Applies `event` on top of `state` (undefined before the first snapshot). Pure: never mutates its inputs. */
export function applyEvent(state: LiveState | undefined, event: StatusEvent): Applied {
  if (event.type === 'snapshot') return { kind: 'state', state: { seq: event.seq, status: event.status } };
  if (state === undefined || event.seq !== state.seq + 1) return { kind: 'gap', expected: (state?.seq ?? 0) + 1, got: event.seq };
  return { kind: 'state', state: { seq: event.seq, status: applyDelta(state.status, event.delta) } };
}
