// What changed in the deployer's report between two polls, as a patch of the reports that changed: pure, no I/O.
import { jsonEqual } from '@cascade/common';
import type { DeployerStatus } from '@cascade/common';
import type { DeployerPatch, PeerStatus } from '@cascade/common/api';
import { environmentPatch, sameOwnFields } from '@cascade/common/api';

/** How the deployer entry changed: not at all, by a patch, or so that the client must take the new entry whole. */
export type DeployerChange = { kind: 'same' } | { kind: 'patch'; patch: DeployerPatch } | { kind: 'replace' };

/** The keys of a DeployerStatus a patch carries; a report with others is sent whole, so nothing is lost. */
const PATCHED_KEYS: ReadonlySet<string> = new Set(['commit', 'environments', 'stagings']);

/**
 * Compares two deployer entries. While the deployer stays reachable at the same address with the same environments,
 * the change is a patch holding only the resource reports that changed, so one resource's rollout costs one report on
 * the wire at any size of the repo.
 */
export function diffDeployer(before: PeerStatus<DeployerStatus>, after: PeerStatus<DeployerStatus>): DeployerChange {
  if (before === after) return { kind: 'same' };
  if (before.state !== 'ok' || after.state !== 'ok' || before.url !== after.url) return jsonEqual(before, after) ? { kind: 'same' } : { kind: 'replace' };
  const [old, now] = [before.status, after.status];
  const sameOutline =
    old.environments.length === now.environments.length &&
    old.environments.every((env, i) => env.env === now.environments[i]!.env) &&
    [...Object.keys(old), ...Object.keys(now)].every((key) => PATCHED_KEYS.has(key)) &&
    // A patch without `stagings` keeps the old list: one that disappears needs the whole entry.
    !(now.stagings === undefined && old.stagings !== undefined);
  if (!sameOutline) return { kind: 'replace' };
  const environments = now.environments.map((env, i) => environmentPatch(old.environments[i]!, env));
  const stagingsChanged = !jsonEqual(old.stagings, now.stagings);
  const unchanged =
    before.fetchedAt === after.fetchedAt &&
    old.commit === now.commit &&
    !stagingsChanged &&
    environments.every((env, i) => 'reports' in env && env.reports.upsert.length === 0 && env.reports.remove.length === 0 && sameOwnFields(old.environments[i]!, now.environments[i]!));
  if (unchanged) return { kind: 'same' };
  const patch: DeployerPatch = {
    fetchedAt: after.fetchedAt,
    ...(now.commit === undefined ? {} : { commit: now.commit }),
    ...(stagingsChanged && now.stagings !== undefined ? { stagings: now.stagings } : {}),
    environments,
  };
  return { kind: 'patch', patch };
}
