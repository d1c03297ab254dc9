// The stagings as the status and `/api/v1/stagings` show them: each staging's file, its kind, the deployer's report and
// the history's last change, merged. Pure, no I/O; the deployer's part is untrusted JSON and read defensively.
import type { DeployerStatus, DerivedStagings, Problem, Snapshot, Staging, StagingStatus } from '@cascade/common';
import type { PeerStatus, ResourceProblem, SecretKeyView, StagingDetail, StagingHistoryEntry, StagingKindView, StagingLink, StagingView } from '@cascade/common/api';
import { isWebLink } from '@cascade/common/api';
import type { StagingChanges } from '../history/staging-changes.ts';
import { countedStagings } from '../writes/stagings/staging-limit.ts';
import { resourcesWithWebLinks } from './web-links.ts';

/** What the views are built from besides the snapshot. */
export interface StagingViewInputs {
  derived: DerivedStagings;
  /** The deployer's stagings by name (deployerStagings). */
  deployer: ReadonlyMap<string, StagingStatus>;
  changes: Pick<StagingChanges, 'lastChange'>;
  /** A staging's secret keys with who set them. */
  secrets: (staging: Staging) => SecretKeyView[];
}

/** Every staging of the snapshot, by name. */
export function buildStagingViews(snapshot: Snapshot, inputs: StagingViewInputs): StagingView[] {
  return [...snapshot.stagings.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((staging) => stagingView(snapshot, staging, inputs));
}

/** One staging as lists show it. */
function stagingView(snapshot: Snapshot, staging: Staging, inputs: StagingViewInputs): StagingView {
  const deployment = inputs.derived.deployments.get(staging.name);
  const held = inputs.derived.held.get(staging.name);
  const kind = deployment?.kind ?? held?.kind ?? snapshot.stagingKinds.get(staging.kind);
  const status = inputs.deployer.get(staging.name);
  const reported = status?.links ?? [];
  const links: StagingLink[] = reported.length > 0 ? reported : (deployment?.links ?? []).map((url) => ({ name: new URL(url).host, url }));
  const namespace = deployment?.binding.namespace ?? status?.namespace;
  const lastChange = inputs.changes.lastChange(staging.name);
  const archiveAt = staging.state === 'active' && kind?.archiveAfterMs !== undefined && staging.updatedAt !== undefined ? later(staging.updatedAt, kind.archiveAfterMs) : undefined;
  const cleanupAt = staging.state === 'archived' && kind !== undefined && staging.archivedAt !== undefined ? later(staging.archivedAt, kind.retentionMs) : undefined;
  const problems = held?.problems ?? [];
  return {
    name: staging.name,
    kind: staging.kind,
    tag: staging.tag,
    state: staging.state,
    ...(status ? { phase: status.phase } : {}),
    ...(status?.reason !== undefined ? { reason: status.reason } : problems[0] ? { reason: problems[0].message } : {}),
    links,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(kind ? { target: kind.target } : {}),
    ...(staging.branch !== undefined ? { branch: staging.branch } : {}),
    ...(staging.updatedAt !== undefined ? { updatedAt: staging.updatedAt } : {}),
    ...(staging.archivedAt !== undefined ? { archivedAt: staging.archivedAt } : {}),
    ...(archiveAt ? { archiveAt } : {}),
    ...(cleanupAt ? { cleanupAt } : {}),
    ...(lastChange ? { lastChange } : {}),
    secrets: inputs.secrets(staging),
    ...(problems.length > 0 ? { problems: problems.map(placeOf) } : {}),
  };
}

/** The kinds of the snapshot, each with how many of its stagings count against its limit. */
export function stagingKindViews(snapshot: Snapshot, deployer: ReadonlyMap<string, StagingStatus>): StagingKindView[] {
  const pending = archivePendingOf(deployer);
  return [...snapshot.stagingKinds.values()].map((kind) => ({ ...kind, counted: countedStagings(snapshot.stagings.values(), kind.name, pending).length }));
}

/** One staging with its settings, history and resources; `view` is its entry of the status. */
export function stagingDetail(view: StagingView, staging: Staging, status: StagingStatus | undefined, history: StagingHistoryEntry[]): StagingDetail {
  return {
    ...view,
    versions: staging.versions,
    app: staging.app,
    deployment: staging.deployment,
    history,
    resources: status?.resources ?? [],
    errors: status?.errors ?? [],
    ...(status?.lastActionAt !== undefined ? { lastActionAt: status.lastActionAt } : {}),
    ...(status?.commit !== undefined ? { deployedCommit: status.commit } : {}),
  };
}

/**
 * The deployer's stagings by name, from its last answer. Its status is checked only for its outline, so an entry
 * without a name and phase is left out, and links that are not http(s) URLs never reach a browser.
 */
export function deployerStagings(peer: PeerStatus<DeployerStatus>): Map<string, StagingStatus> {
  const found = new Map<string, StagingStatus>();
  const stagings: unknown = peer.state === 'ok' ? peer.status.stagings : undefined;
  if (!Array.isArray(stagings)) return found;
  for (const entry of stagings as unknown[]) {
    if (entry === null || typeof entry !== 'object') continue;
    const staging = entry as Partial<StagingStatus>;
    if (typeof staging.name !== 'string' || typeof staging.phase !== 'string') continue;
    const links = Array.isArray(staging.links) ? staging.links.filter((link) => typeof link?.name === 'string' && isWebLink(link?.url)) : [];
    found.set(staging.name, {
      ...(staging as StagingStatus),
      links,
      resources: Array.isArray(staging.resources) ? resourcesWithWebLinks(staging.resources) : [],
      errors: Array.isArray(staging.errors) ? staging.errors : [],
    });
  }
  return found;
}

/** Names of the stagings whose archive the deployer still reports as pending: they count against their kind's limit. */
export function archivePendingOf(deployer: ReadonlyMap<string, StagingStatus>): Set<string> {
  return new Set([...deployer.values()].filter((status) => status.phase === 'ArchivePending').map((status) => status.name));
}

/** `time` plus `ms`, ISO 8601. */
function later(time: string, ms: number): string {
  return new Date(Date.parse(time) + ms).toISOString();
}

function placeOf(problem: Problem): ResourceProblem {
  const { file, line, col, code, message } = problem;
  return { file, ...(line === undefined ? {} : { line }), ...(col === undefined ? {} : { col }), code, message };
}
