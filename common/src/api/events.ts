// `GET /api/v1/events` (Server-Sent Events): the full status on connect, then deltas, each numbered.
import type { HistoryEntry } from './history.ts';
import type { AggregatorStatus, EnvironmentView, PeerStatus, ResourceView, TransitionView } from './status.ts';
import type { Problem } from '../model/problem.ts';
import type { DeployerStatus, EnvironmentStatus, ResourceStatus, StagingStatus } from '../status/deployer.ts';
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
  /** Patches the deployer entry instead, when it stayed reachable with the same environments: only the reports that changed. */
  deployerPatch?: DeployerPatch;
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
 * A change of the deployer's report that kept its environments (the same names in the same order), so a rollout of one
 * resource sends that resource's report rather than every report of every environment.
 */
export interface DeployerPatch {
  /** When the status shown was fetched. */
  fetchedAt: string;
  /** The newest commit the deployer has read. */
  commit?: string;
  /** Replaces the deployer's list of stagings when present; absent: unchanged. */
  stagings?: StagingStatus[];
  /** Every environment, in order: its own fields, and its resource reports either whole or as what changed. */
  environments: EnvironmentPatch[];
}

/** One environment of a DeployerPatch: the environment's own fields (replaced) and its resource reports. */
export type EnvironmentPatch = Omit<EnvironmentStatus, 'resources'> &
  (
    | /** The reports that changed, by resource name; the others stay as they are. */ { reports: { upsert: ResourceStatus[]; remove: string[] } }
    | /** Every report, replacing the list. */ { resources: ResourceStatus[] }
  );

/** Resources of a snapshot sent in parts, with the deployer's reports of them per environment name. */
export interface StatusPart {
  /** Resources to append to the snapshot's, in name order. */
  resources: ResourceView[];
  /** Per deployer environment, the reports of these resources, to append to that environment's. */
  reports: Record<string, ResourceStatus[]>;
  /** Some of the deployer's staging reports (each with its own resources), to append to its list; absent when none. */
  stagings?: StagingStatus[];
}

/** What is still to come after a snapshot sent in parts. */
export interface SnapshotRest {
  /** How many `part` events follow. */
  parts: number;
  /** How many resources they carry together. */
  resources: number;
}

/**
 * One event of the stream. The SSE `event:` field is `type`, `id:` is `seq`, `data:` is this object as JSON.
 * Reconnect with `Last-Event-ID: <seq>` to get the deltas missed, or a fresh `snapshot` when they are gone.
 */
export type StatusEvent =
  /**
   * The full state; the client replaces everything it has. With `rest` (asked for with `?first=N`) the status holds
   * only the first resources and their deployer reports, and `rest.parts` part events with the rest follow at once.
   */
  | { type: 'snapshot'; seq: number; status: AggregatorStatus; rest?: SnapshotRest }
  /** A change on top of state `seq - 1`. */
  | { type: 'delta'; seq: number; delta: StatusDelta };

/** One part of a snapshot sent in parts: it has its snapshot's `seq`, and follows it before any delta. */
export interface SnapshotPartEvent {
  type: 'part';
  seq: number;
  part: StatusPart;
}

/** Everything `GET /api/v1/events` sends: the numbered states, and the parts of a snapshot sent in parts. */
export type StreamEvent = StatusEvent | SnapshotPartEvent;
