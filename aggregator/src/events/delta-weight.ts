// How much of the status a delta or a state holds, in records (resource reports, resources, list entries), so the
// event hub keeps no more deltas than a snapshot would cost to send. Counts list lengths only: O(environments) for a
// state, O(what changed) for a delta. No I/O.
import type { AggregatorStatus, PeerStatus, StatusDelta } from '@cascade/common/api';
import type { DeployerStatus } from '@cascade/common';

/** The lists a state holds and a delta replaces whole. */
type ReplacedLists = Partial<Pick<AggregatorStatus, 'environments' | 'transitions' | 'problems' | 'stagings'>>;

/** The records a state holds: its lists' entries, its resources and every resource report of the deployer's. */
export function statusWeight(status: AggregatorStatus): number {
  return listEntries(status) + status.resources.length + deployerWeight(status.deployer);
}

/** The records a delta carries: every entry of the lists it replaces, every report and resource it upserts, and one for itself. */
export function deltaWeight(delta: StatusDelta): number {
  let weight = 1 + listEntries(delta) + (delta.commits?.length ?? 0) + (delta.resources?.upsert.length ?? 0);
  if (delta.deployer !== undefined) weight += deployerWeight(delta.deployer);
  for (const environment of delta.deployerPatch?.environments ?? []) weight += 'reports' in environment ? environment.reports.upsert.length : environment.resources.length;
  return weight;
}

function listEntries(lists: ReplacedLists): number {
  return (lists.environments?.length ?? 0) + (lists.transitions?.length ?? 0) + (lists.problems?.length ?? 0) + (lists.stagings?.length ?? 0);
}

function deployerWeight(deployer: PeerStatus<DeployerStatus>): number {
  if (deployer.state !== 'ok') return 0;
  let weight = deployer.status.stagings?.length ?? 0;
  for (const environment of deployer.status.environments) weight += environment.resources.length;
  return weight;
}
