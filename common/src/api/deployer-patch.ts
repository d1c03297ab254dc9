// Patches of the deployer's report: which resource reports changed between two reports of an environment, and
// applying them, so one resource's rollout travels as that resource's report at any size of the repo. Pure, no I/O.
import { jsonEqual } from '../model/json-equal.ts';
import type { DeployerStatus, EnvironmentStatus, ResourceStatus } from '../status/deployer.ts';
import type { DeployerPatch, EnvironmentPatch } from './events.ts';
import type { PeerStatus } from './status.ts';
import { madeFrom, placesChangedBetween } from './report-lineage.ts';
import { changedByPlace } from './by-place.ts';

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
  const environments = patch.environments.map((env) => patchedEnvironment(before.get(env.env), env));
  const stagings = patch.stagings ?? peer.status.stagings;
  const status: DeployerStatus = { ...(patch.commit === undefined ? {} : { commit: patch.commit }), environments, ...(stagings === undefined ? {} : { stagings }) };
  return { state: 'ok', url: peer.url, fetchedAt: patch.fetchedAt, status };
}

/** A report list with the changed reports replaced in place, the removed ones dropped and new ones appended in the patch's order. */
export function patchReports(reports: ResourceStatus[], change: { upsert: ResourceStatus[]; remove: string[] }): ResourceStatus[] {
  if (change.upsert.length === 0 && change.remove.length === 0) return reports;
  // A rollout's patch replaces a few reports of names the list has: those places only, not a walk of every report.
  const at = change.remove.length === 0 ? positionsByName(reports) : undefined;
  if (at !== undefined && change.upsert.every((report) => at.has(report.name))) {
    const patched = reports.slice();
    const places: number[] = [];
    for (const report of change.upsert) {
      const index = at.get(report.name)!;
      patched[index] = report;
      places.push(index);
    }
    // The same names in the same places: the positions carry over, and deltas from the list before look at these places.
    reportPositions.set(patched, at);
    madeFrom(patched, reports, places);
    return patched;
  }
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

/** Each report list's positions by name, worked out once and carried to the lists patched from it in place. */
const reportPositions = new WeakMap<readonly ResourceStatus[], ReadonlyMap<string, number> | null>();

/** Where each name stands in `reports`; undefined when a name is there twice (a patch by name then needs the walk). */
function positionsByName(reports: readonly ResourceStatus[]): ReadonlyMap<string, number> | undefined {
  let positions = reportPositions.get(reports);
  if (positions === undefined) {
    const byName = new Map<string, number>();
    for (let index = 0; index < reports.length; index++) byName.set(reports[index]!.name, index);
    positions = byName.size === reports.length ? byName : null;
    reportPositions.set(reports, positions);
  }
  return positions ?? undefined;
}

/**
 * `before` brought up by `patch`: its reports patched by name, or replaced when the patch carries them all. An
 * environment whose fields and reports did not change stays the same object, so consumers comparing by identity skip
 * it. Throws DeltaMismatchError when there is no `before` to patch.
 */
export function patchedEnvironment(before: EnvironmentStatus | undefined, patch: EnvironmentPatch): EnvironmentStatus {
  if ('resources' in patch) return patch;
  const { reports, ...fields } = patch;
  if (before === undefined) throw new DeltaMismatchError({ env: patch.env, reason: `the deployer reported no environment ${patch.env} before` });
  const resources = patchReports(before.resources, reports);
  return resources === before.resources && sameOwnFields(before, fields) ? before : { ...fields, resources };
}

/**
 * How `after` differs from `before` (one environment's reports): its own fields, and the reports that changed by
 * name, or every report when a patch could not rebuild their order. Reports are compared by identity first: the
 * deployer and its clients keep unchanged reports as the same objects, so the cost is that of what changed.
 */
export function environmentPatch(before: EnvironmentStatus, after: EnvironmentStatus): EnvironmentPatch {
  const { resources, ...fields } = after;
  if (resources === before.resources) return { ...fields, reports: { upsert: [], remove: [] } };
  const inPlace = changedInPlace(before.resources, resources);
  if (inPlace !== undefined) return { ...fields, reports: { upsert: inPlace, remove: [] } };
  const old = new Map(before.resources.map((report) => [report.name, report]));
  const names = new Set(resources.map((report) => report.name));
  // Two reports of one name cannot be patched by name.
  if (old.size !== before.resources.length || names.size !== resources.length) return after;
  const upsert = resources.filter((report) => {
    const previous = old.get(report.name);
    return previous !== report && !jsonEqual(previous, report);
  });
  const remove = before.resources.filter((report) => !names.has(report.name)).map((report) => report.name);
  // A patch keeps the old order and appends new reports; when the reports were reordered, send them whole.
  const patched = patchReports(before.resources, { upsert, remove });
  if (patched.length !== resources.length || patched.some((report, i) => report.name !== resources[i]!.name)) return after;
  return { ...fields, reports: { upsert, remove } };
}

/**
 * The reports that changed when `after` names the same resources at the same places as `before` (the usual case: a
 * pass or an event changes a few reports), found without indexing either list; undefined otherwise.
 */
function changedInPlace(before: readonly ResourceStatus[], after: readonly ResourceStatus[]): ResourceStatus[] | undefined {
  if (before.length !== after.length || !namesUnique(before)) return undefined;
  // Lists of one line (one made from the other, or both from one list) differ at the places replaced on the way only.
  const places = placesChangedBetween(before, after);
  const changed = changedByPlace(before, after, places === undefined ? undefined : [...places].sort((a, b) => a - b));
  // The same names at the same places as a list without two alike: the next delta from this list need not count them.
  if (changed !== undefined) uniqueNames.set(after, true);
  return changed;
}

const uniqueNames = new WeakMap<readonly ResourceStatus[], boolean>();

/** Whether no two reports share a name (a patch by name needs that), found once per list. */
function namesUnique(reports: readonly ResourceStatus[]): boolean {
  let unique = uniqueNames.get(reports);
  if (unique === undefined) uniqueNames.set(reports, (unique = new Set(reports.map((report) => report.name)).size === reports.length));
  return unique;
}

/** Whether two reports of an environment have the same own fields (all but their resource reports). */
export function sameOwnFields(a: EnvironmentStatus, b: Omit<EnvironmentStatus, 'resources'> & { resources?: ResourceStatus[] }): boolean {
  const { resources: _a, ...ownA } = a;
  const { resources: _b, ...ownB } = b;
  return jsonEqual(ownA, ownB);
}
