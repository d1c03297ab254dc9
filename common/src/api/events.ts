// `GET /api/v1/events` (Server-Sent Events): the full status on connect, then deltas, each numbered.
import type { HistoryEntry } from './history.ts';
import type { AggregatorStatus, EnvironmentView, PeerStatus, ResourceView, TransitionView } from './status.ts';
import type { Problem } from '../model/problem.ts';
import type { DeployerStatus } from '../status/deployer.ts';
import type { TransitionerStatus } from '../status/transitioner.ts';
import type { StagingView } from './stagings.ts';

/** What changed between two numbered states; absent keys are unchanged. Apply in order of `seq`. */
export interface StatusDelta {
  /** The repo commit now analysed. */
  commit: string | null;
  /** Replaces the whole list. */
  environments?: EnvironmentView[];
  /** Replaces the whole list. */
  transitions?: TransitionView[];
  /** Replaces the whole list. */
  problems?: Problem[];
  /** Replaces the deployer entry. */
  deployer?: PeerStatus<DeployerStatus>;
  /** Replaces the transitioner entry. */
  transitioner?: PeerStatus<TransitionerStatus>;
  /** Replaces the whole list of stagings. */
  stagings?: StagingView[];
  /** Resources to insert or replace by name, and names to remove. */
  resources?: { upsert: ResourceView[]; remove: string[] };
  /** Commits new on the branch since the previous state, newest first: prepend them to a history list. */
  commits?: HistoryEntry[];
}

/**
 * One event of the stream. The SSE `event:` field is `type`, `id:` is `seq`, `data:` is this object as JSON.
 * Reconnect with `Last-Event-ID: <seq>` to get the deltas missed, or a fresh `snapshot` when they are gone.
 */
export type StatusEvent =
  /** The full state; the client replaces everything it has. */
  | { type: 'snapshot'; seq: number; status: AggregatorStatus }
  /** A change on top of state `seq - 1`. */
  | { type: 'delta'; seq: number; delta: StatusDelta };
