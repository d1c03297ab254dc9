// How much of the status a delta or a state holds, in records (resource reports, resources, list entries), so the
// event hub keeps no more deltas than a snapshot would cost to send. Counts list lengths only: O(environments) for a
// state, O(what changed) for a delta. No I/O.
import type { AggregatorStatus, PeerStatus, StatusDelta } from '@cascade/common/api';
import type { DeployerStatus } from '@cascade/common';

/** The records a state holds: its lists' entries and every resource report of the deployer's. */
export function statusWeight(status: AggregatorStatus): number {
  return (
    status.environments.length +
    status.resources.length +
    status.transitions.length +
    status.problems.length +
    (status.stagings?.length ?? 0) +
    deployerWeight(status.deployer)
  );
}

/** The records a delta carries: every entry of the lists it replaces, every report and resource it upserts, and one for itself. */
export function deltaWeight(delta: StatusDelta): number {
  let weight = 1;
  weight += delta.environments?.length ?? 0;
  weight += delta.transitions?.length ?? 0;
  weight += delta.problems?.length ?? 0;
  weight += delta.stagings?.length ?? 0;
  weight += delta.commits?.length ?? 0;
  weight += delta.resources?.upsert.length ?? 0;
  if (delta.deployer !== undefined) weight += deployerWeight(delta.deployer);
  for (const environment of delta.deployerPatch?.environments ?? []) weight += 'reports' in environment ? environment.reports.upsert.length : environment.resources.length;
  return weight;
}

function deployerWeight(deployer: PeerStatus<DeployerStatus>): number {
  if (deployer.state !== 'ok') return 0;
  let weight = deployer.status.stagings?.length ?? 0;
  for (const environment of deployer.status.environments) weight += environment.resources.length;
  return weight;
}
