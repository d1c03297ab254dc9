// Reads what this installation applied for an environment: the objects carrying its labels, per kind.
import { classifyKubeError } from './errors.ts';
import type { Manifest } from '@cascade/common';
import type { CascadeObjectApi, DiscoveredKind } from './client.ts';
import { environmentSelector } from './labels.ts';
import { apiGroup } from './object-key.ts';
import type { Scope } from './object-key.ts';

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

/** What listing found, and why some kinds could not be read. */
export interface EnvironmentObjects {
  objects: Manifest[];
  /** One sentence per list an impersonated ServiceAccount may not make; the objects there stay unknown this pass. */
  unreadable: string[];
}

/**
 * Lists every object this installation applied for the environment in the given kinds; kinds the server does not serve
 * (any more) are skipped. A client acting as a ServiceAccount lists namespaced kinds only in `namespaces`, since such
 * an account is rarely allowed to list a whole cluster; a list it is refused is reported, not thrown.
 */
export async function listEnvironmentObjects(client: CascadeObjectApi, installation: string, env: string, kinds: KindToList[], namespaces: readonly string[]): Promise<EnvironmentObjects> {
  const selector = environmentSelector(installation, env);
  const who = client.impersonatedUser ?? 'the deployer';
  const unreadable: string[] = [];
  const list = async (k: KindToList, namespace: string | undefined): Promise<Manifest[]> => {
    try {
      return await client.listAll(k.apiVersion, k.kind, selector, namespace);
    } catch (error) {
      const failure = classifyKubeError(error);
      // An identity granted per namespace reports a refused list; the deployer listing a whole cluster stops the pass.
      if (!client.listsPerNamespace || failure.kind !== 'rejected' || failure.status !== 403) throw error;
      unreadable.push(`${who} may not list ${k.kind} ${namespace === undefined ? 'in the cluster' : `in namespace ${namespace}`}`);
      return [];
    }
  };
  const lists = await Promise.all(kinds.map(async (k) => {
    const scope = await client.scopeOf(k.apiVersion, k.kind);
    if (scope === undefined) return [];
    return (await Promise.all(listScopes(scope, client.listsPerNamespace, namespaces).map((namespace) => list(k, namespace)))).flat();
  }));
  return { objects: lists.flat(), unreadable };
}

/**
 * Where one kind's objects of an environment are listed (or watched): the whole cluster (undefined) for cluster-scoped
 * kinds and for a client that may list across the cluster, else each of `namespaces` (an impersonated ServiceAccount,
 * a target with `namespaced: true`), since such an identity is rarely allowed to list a whole cluster.
 */
export function listScopes(scope: Scope, perNamespace: boolean, namespaces: readonly string[]): Array<string | undefined> {
  return !perNamespace || scope === 'Cluster' ? [undefined] : [...namespaces];
}
