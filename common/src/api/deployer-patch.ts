// Applying a DeployerPatch: the deployer's report changed for a few resources, the rest of it stays. Pure.
import type { DeployerStatus, EnvironmentStatus, ResourceStatus } from '../status/deployer.ts';
import type { DeployerPatch, EnvironmentPatch } from './events.ts';
import type { PeerStatus } from './status.ts';

/** A delta that does not fit the state it is applied to: the client missed something and needs a fresh snapshot. */
export class DeltaMismatchError extends Error {
  override readonly name = 'DeltaMismatchError';
  readonly code = 'delta-mismatch';
  constructor(readonly data: { env?: string; reason: string }) {
    super(`the delta does not fit the state: ${data.reason}`);
  }
}

/** The deployer entry with `patch` applied; throws DeltaMismatchError when the entry is not a report the patch was made for. */
export function applyDeployerPatch(peer: PeerStatus<DeployerStatus>, patch: DeployerPatch): PeerStatus<DeployerStatus> {
  if (peer.state !== 'ok') throw new DeltaMismatchError({ reason: `the deployer entry is ${peer.state}, not a report to patch` });
  const before = new Map(peer.status.environments.map((env) => [env.env, env]));
  const environments = patch.environments.map((env) => environmentOf(env, before.get(env.env)));
  const stagings = patch.stagings ?? peer.status.stagings;
  const status: DeployerStatus = { ...(patch.commit === undefined ? {} : { commit: patch.commit }), environments, ...(stagings === undefined ? {} : { stagings }) };
  return { state: 'ok', url: peer.url, fetchedAt: patch.fetchedAt, status };
}

/** A report list with the changed reports replaced in place, the removed ones dropped and new ones appended in the patch's order. */
export function patchReports(reports: ResourceStatus[], change: { upsert: ResourceStatus[]; remove: string[] }): ResourceStatus[] {
  if (change.upsert.length === 0 && change.remove.length === 0) return reports;
  const removed = new Set(change.remove);
  const replaced = new Map(change.upsert.map((report) => [report.name, report]));
  const patched: ResourceStatus[] = [];
  for (const report of reports) {
    if (removed.has(report.name)) continue;
    const next = replaced.get(report.name);
    replaced.delete(report.name);
    patched.push(next ?? report);
  }
  return patched.concat([...replaced.values()]);
}

function environmentOf(patch: EnvironmentPatch, before: EnvironmentStatus | undefined): EnvironmentStatus {
  if ('resources' in patch) return patch;
  const { reports, ...fields } = patch;
  if (before === undefined) throw new DeltaMismatchError({ env: patch.env, reason: `the deployer reported no environment ${patch.env} before` });
  return { ...fields, resources: patchReports(before.resources, reports) };
}
