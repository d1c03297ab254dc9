// A snapshot of a large status sent in parts: the first rows at once, the rest in bounded pieces, so no client has to
// parse one document of many megabytes before it can show anything. Pure; the aggregator splits, the client appends.
import type { ResourceStatus, StagingStatus } from '../status/deployer.ts';
import type { SnapshotRest, StatusPart } from './events.ts';
import type { AggregatorStatus } from './status.ts';

/** The head of a split snapshot (a complete status but for the resources still to come), its parts, and what they hold. */
export interface SplitStatus {
  head: AggregatorStatus;
  parts: StatusPart[];
  /** Absent when everything fits the head. */
  rest?: SnapshotRest;
}

/**
 * Splits `status` into a head holding its first `first` resources and parts of at most `partSize` resources each.
 * The deployer's report of a resource travels with the resource; reports of resources the repo no longer has stay in
 * the head; the deployer's staging reports are spread over the parts. Appending every part to the head gives the
 * status back, each environment's reports (and the staging reports) possibly reordered.
 */
export function splitStatus(status: AggregatorStatus, first: number, partSize: number): SplitStatus {
  const total = status.resources.length;
  if (total <= first) return { head: status, parts: [] };
  const size = Math.max(1, partSize);
  const count = Math.ceil((total - first) / size);
  // Where each resource goes: 0 is the head, i the part i - 1.
  const placeOf = new Map<string, number>();
  status.resources.forEach((resource, index) => placeOf.set(resource.name, index < first ? 0 : 1 + Math.floor((index - first) / size)));
  const reports: Array<Record<string, ResourceStatus[]>> = Array.from({ length: count + 1 }, () => ({}));
  const stagings: StagingStatus[][] = Array.from({ length: count }, () => []);
  const deployer = status.deployer;
  let head: AggregatorStatus = { ...status, resources: status.resources.slice(0, first) };
  if (deployer.state === 'ok') {
    for (const env of deployer.status.environments) {
      for (const report of env.resources) (reports[placeOf.get(report.name) ?? 0]![env.env] ??= []).push(report);
    }
    const environments = deployer.status.environments.map((env) => ({ ...env, resources: reports[0]![env.env] ?? [] }));
    // Staging reports carry resources of their own (dozens of stagings of a large template): they go into the parts too.
    deployer.status.stagings?.forEach((staging, index) => stagings[index % count]!.push(staging));
    const ownStagings = deployer.status.stagings === undefined ? {} : { stagings: [] };
    head = { ...head, deployer: { ...deployer, status: { ...deployer.status, environments, ...ownStagings } } };
  }
  const parts = Array.from({ length: count }, (_, i): StatusPart => ({
    resources: status.resources.slice(first + i * size, first + (i + 1) * size),
    reports: reports[i + 1]!,
    ...(stagings[i]!.length > 0 ? { stagings: stagings[i] } : {}),
  }));
  return { head, parts, rest: { parts: count, resources: total - first } };
}

/** Appends a part to a snapshot received in parts: its resources after the others, its reports to their environments and stagings. */
export function appendPart(status: AggregatorStatus, part: StatusPart): AggregatorStatus {
  const resources = status.resources.concat(part.resources);
  const deployer = status.deployer;
  if (deployer.state !== 'ok') return { ...status, resources };
  const environments = deployer.status.environments.map((env) => {
    const more = part.reports[env.env];
    return more === undefined || more.length === 0 ? env : { ...env, resources: env.resources.concat(more) };
  });
  const stagings = part.stagings === undefined ? {} : { stagings: (deployer.status.stagings ?? []).concat(part.stagings) };
  return { ...status, resources, deployer: { ...deployer, status: { ...deployer.status, environments, ...stagings } } };
}
