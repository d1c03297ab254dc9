// A staging's namespace: created labelled as Cascade's and as the staging's, and deleted only while it carries both
// marks, so a namespace somebody else made (or another staging's, or another installation's) is never removed.
import type { Manifest } from '@cascade/common';
import type { CascadeObjectApi } from './client.ts';
import { INSTALLATION_LABEL, asRecord, readLabel } from './labels.ts';

/** Label naming the staging a namespace was created for. */
export const STAGING_LABEL = 'cascade.dev/staging';

/** A staging's namespace as found in the cluster. */
export type StagingNamespace =
  /** It does not exist (any more). */
  | { state: 'absent' }
  /** Cascade created it for this staging of this installation. */
  | { state: 'ours'; terminating: boolean }
  /** It exists but is not this staging's; `why` says whose it is. */
  | { state: 'foreign'; why: string; terminating: boolean };

/** The labels a staging's namespace gets besides Cascade's own (namespace.ts adds managed-by and the installation). */
export function stagingNamespaceLabels(staging: string): Record<string, string> {
  return { [STAGING_LABEL]: staging };
}

/** Whose the live namespace is: this staging's only when both the installation and the staging label say so. No I/O. */
export function stagingNamespaceState(live: Manifest | undefined, installation: string, staging: string): StagingNamespace {
  if (live === undefined) return { state: 'absent' };
  const metadata = asRecord(live.metadata);
  const terminating = metadata.deletionTimestamp !== undefined || asRecord(live.status).phase === 'Terminating';
  const owner = readLabel(live, INSTALLATION_LABEL);
  const ownerStaging = readLabel(live, STAGING_LABEL);
  if (owner === installation && ownerStaging === staging) return { state: 'ours', terminating };
  let why: string;
  if (owner === undefined) why = 'Cascade did not create it';
  else if (owner !== installation) why = `it belongs to Cascade installation ${owner}`;
  else if (ownerStaging === undefined) why = "Cascade created it as an environment's namespace";
  else why = `it belongs to staging ${ownerStaging}`;
  return { state: 'foreign', why, terminating };
}

/** The kinds whose objects run pods, in the versions listed: an archive is done once none is left in the namespace. */
const WORKLOADS = [
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  { apiVersion: 'batch/v1', kind: 'CronJob' },
  { apiVersion: 'batch/v1', kind: 'Job' },
  { apiVersion: 'v1', kind: 'ReplicationController' },
  { apiVersion: 'v1', kind: 'Pod' },
];

/**
 * The workload objects and pods still in a staging's namespace, as `Kind name`. The namespace is the staging's alone,
 * so everything in it counts, with or without Cascade's labels: the pods and ReplicaSets the garbage collector
 * removes after their Deployment are exactly what an archive waits for.
 */
export async function workloadsLeft(client: CascadeObjectApi, namespace: string): Promise<string[]> {
  const lists = await Promise.all(WORKLOADS.map(async ({ apiVersion, kind }) => {
    const objects = await client.listAll(apiVersion, kind, '', namespace);
    return objects.map((object) => `${kind} ${String(asRecord(object.metadata).name)}`);
  }));
  return lists.flat();
}
