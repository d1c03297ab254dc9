// Reads what this installation applied for an environment: the objects carrying its labels, per kind.
import type { Manifest } from '@cascade/common';
import type { CascadeObjectApi, DiscoveredKind } from './client.ts';
import { environmentSelector } from './labels.ts';
import { apiGroup } from './object-key.ts';

/** A kind to list, in the API version to list it in. */
export interface KindToList {
  apiVersion: string;
  kind: string;
}

/**
 * The kinds to list for an environment: those rendered now, those Cascade applied before, and, when pruning,
 * every prunable kind the server serves, so an object of a kind that left the repo entirely is still found.
 * One entry per group and kind: the same objects are served under every version of a group.
 */
export function kindsToList(rendered: KindToList[], remembered: KindToList[], prunable: DiscoveredKind[]): KindToList[] {
  const byGroupKind = new Map<string, KindToList>();
  for (const k of [...rendered, ...remembered, ...prunable]) {
    const key = `${apiGroup(k.apiVersion)}/${k.kind}`;
    if (!byGroupKind.has(key)) byGroupKind.set(key, { apiVersion: k.apiVersion, kind: k.kind });
  }
  return [...byGroupKind.values()];
}

/** Lists every object this installation applied for the environment in the given kinds; kinds the server does not serve (any more) are skipped. */
export async function listEnvironmentObjects(client: CascadeObjectApi, installation: string, env: string, kinds: KindToList[]): Promise<Manifest[]> {
  const lists = await Promise.all(
    kinds.map(async (k) => ((await client.scopeOf(k.apiVersion, k.kind)) === undefined ? [] : client.listAll(k.apiVersion, k.kind, environmentSelector(installation, env)))),
  );
  return lists.flat();
}
