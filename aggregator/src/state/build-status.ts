// The status answer, decided from a snapshot, the version catalog and the peers' statuses: pure, no I/O.
import type { AggregatorStatus, EnvironmentView, LockOriginView, PeerStatus, ResourceInEnv, ResourceProblem, ResourceView, TransitionView } from '@cascade/common/api';
import type { DeployerStatus, Locks, Problem, Resource, TransitionerStatus, Snapshot, YamlValue } from '@cascade/common';
import { isLocked, resourceLockReasons } from '@cascade/common';
import type { VersionCatalog } from '../history/version-catalog.ts';
import { withWebLinksOnly } from './web-links.ts';
import { withoutSecretKeys, type SecretKeys } from './secret-keys.ts';

/** What buildStatus asks about who locked: the aggregator answers from the history of each locks.yaml. */
export interface LockOriginsOf {
  /** Who added each reason of the environment lock (`resource` undefined) or a resource's lock, in reason order. */
  of(env: string, locks: Locks, resource?: string): LockOriginView[];
  /** Changes whenever `of` may answer differently for the same locks. */
  revision(): number;
}

/** The last known status of the deployer and the transitioner. */
export interface PeerStatuses {
  deployer: PeerStatus<DeployerStatus>;
  transitioner: PeerStatus<TransitionerStatus>;
}

/**
 * Merges the repo analysis with the peers' statuses into the one status the API and the UI serve. It holds every
 * version-file value; what a caller may see of them is decided when it is served (visibility/status-views.ts).
 */
export function buildStatus(snapshot: Snapshot | undefined, catalog: VersionCatalog, statuses: PeerStatuses, memo?: StatusMemo, secrets?: SecretKeys, lockOrigins?: LockOriginsOf): AggregatorStatus {
  const peers = { deployer: withWebLinksOnly(statuses.deployer), transitioner: statuses.transitioner };
  if (!snapshot) return { commit: null, environments: [], resources: [], transitions: [], problems: [], ...peers };
  const environments: EnvironmentView[] = [...snapshot.environments.values()].map((env) => {
    const binding = snapshot.deployers.get(env.name);
    const origins = lockOrigins?.of(env.name, env.locks) ?? [];
    return {
      name: env.name,
      lockReasons: env.locks.envReasons,
      ...(origins.length > 0 ? { lockOrigins: origins } : {}),
      ...(binding ? { deployer: { target: binding.target, ...(binding.namespace ? { namespace: binding.namespace } : {}) } } : {}),
    };
  });
  const resources = memo === undefined ? resourceViews(snapshot, catalog, undefined, secrets, lockOrigins) : memo.resourcesOf(snapshot, catalog, secrets, lockOrigins);
  const transitions: TransitionView[] = snapshot.transitions.map((t) => {
    const state = snapshot.transitionState[t.name];
    return state ? { ...t, state } : { ...t };
  });
  return { commit: snapshot.commit, environments, resources, transitions, problems: snapshot.problems, ...peers };
}

/** One view per resource name, in name order; views whose inputs are as in `memo` are the memo's. */
function resourceViews(snapshot: Snapshot, catalog: VersionCatalog, memo: StatusMemo | undefined, secrets?: SecretKeys, lockOrigins?: LockOriginsOf): ResourceView[] {
  const inputs = new Map<string, ResourceInputs>();
  for (const env of snapshot.environments.values()) {
    for (const resource of env.resources.values()) {
      const found = inputs.get(resource.name) ?? [];
      inputs.set(resource.name, found);
      found.push({ env: env.name, resource, locks: env.locks });
    }
  }
  const kept = new Map<string, { inputs: ResourceInputs; revision: string; view: ResourceView }>();
  const resources: ResourceView[] = [...inputs.keys()].sort().map((name) => {
    const own = inputs.get(name) as ResourceInputs;
    const revision = rowRevision(name, catalog, secrets, lockOrigins);
    // The same resource objects (a patched snapshot keeps them), locks and known versions give the same view.
    const before = memo?.views.get(name);
    const view = before !== undefined && before.revision === revision && sameInputs(before.inputs, own) ? before.view : resourceView(name, own, catalog, secrets, lockOrigins);
    kept.set(name, { inputs: own, revision, view });
    return view;
  });
  if (memo) memo.views = kept;
  return resources;
}

/** One resource in each environment that has it, with that environment's locks. */
type ResourceInputs = Array<{ env: string; resource: Resource; locks: Locks }>;

/** The resource views of the last status, kept so that a status after a small change rebuilds only what it touched. */
export class StatusMemo {
  /** Per resource name: what its view was built from, and the view. */
  views = new Map<string, { inputs: ResourceInputs; revision: string; view: ResourceView }>();
  /** The last list of views, what it was built from, and each name's place in it. */
  private last: LastViews | undefined;

  /**
   * The views of every resource: the very list of the last status while nothing they are built from changed, as when
   * only a peer's status did (most statuses while rollouts go on), so that neither building nor comparing the status
   * walks every resource then. After a commit that changed a few resources, or versions or secrets of a few becoming
   * known, the last list with those rows built again (see changedNames); anything else builds every row.
   */
  resourcesOf(snapshot: Snapshot, catalog: VersionCatalog, secrets?: SecretKeys, lockOrigins?: LockOriginsOf): ResourceView[] {
    const marks = { catalog: catalog.revisionOfAll(), secrets: secrets?.revisionOfAll(), locks: lockOrigins?.revision() };
    const last = this.last;
    const same = last !== undefined && last.catalog === catalog && last.marks.catalog === marks.catalog && last.marks.secrets === marks.secrets && last.marks.locks === marks.locks;
    if (same && last.snapshot === snapshot) return last.views;
    const changed = last === undefined ? undefined : changedNames(last, snapshot, catalog, secrets, marks);
    const views = changed === undefined ? resourceViews(snapshot, catalog, this, secrets, lockOrigins) : this.rebuilt(last!, snapshot, catalog, changed, secrets, lockOrigins);
    const places = changed === undefined || last === undefined ? new Map(views.map((view, index) => [view.name, index])) : last.places;
    this.last = { snapshot, catalog, marks, views, places };
    return views;
  }

  /** The last list with the rows of `names` built again; every name must have its place in it and be in the snapshot (see changedNames). */
  private rebuilt(last: LastViews, snapshot: Snapshot, catalog: VersionCatalog, names: ReadonlySet<string>, secrets?: SecretKeys, lockOrigins?: LockOriginsOf): ResourceView[] {
    if (names.size === 0) return last.views;
    const views = last.views.slice();
    for (const name of names) {
      const own: ResourceInputs = [];
      for (const env of snapshot.environments.values()) {
        const resource = env.resources.get(name);
        if (resource !== undefined) own.push({ env: env.name, resource, locks: env.locks });
      }
      const revision = rowRevision(name, catalog, secrets, lockOrigins);
      const view = resourceView(name, own, catalog, secrets, lockOrigins);
      this.views.set(name, { inputs: own, revision, view });
      views[last.places.get(name)!] = view;
    }
    return views;
  }
}

/** What the last list of views was built from. */
interface LastViews {
  snapshot: Snapshot;
  catalog: VersionCatalog;
  marks: { catalog: number; secrets: number | undefined; locks: number | undefined };
  views: ResourceView[];
  /** Each resource name's place in `views`. */
  places: Map<string, number>;
}

/**
 * The names whose rows may differ from the last list's: resources that are other objects in an environment (a
 * patched snapshot keeps the others), and names whose known versions or secret origins changed. Undefined when the
 * rows must all be built again: another catalog, other lock origins, the same names no longer at the same places
 * (a resource added or removed), other locks or other environments, or changes the logs cannot tell.
 */
function changedNames(last: LastViews, snapshot: Snapshot, catalog: VersionCatalog, secrets: SecretKeys | undefined, marks: LastViews['marks']): ReadonlySet<string> | undefined {
  if (last.catalog !== catalog || last.marks.locks !== marks.locks || (last.marks.secrets === undefined) !== (marks.secrets === undefined)) return undefined;
  const names = new Set<string>();
  const known = last.marks.catalog === marks.catalog ? new Set<string>() : catalog.changedSince(last.marks.catalog);
  const origins = last.marks.secrets === marks.secrets ? new Set<string>() : secrets?.changedSince(last.marks.secrets!);
  if (known === undefined || origins === undefined) return undefined;
  for (const name of [...known, ...origins]) names.add(name);
  const before = last.snapshot.environments;
  const after = snapshot.environments;
  if (before.size !== after.size) return undefined;
  const envsBefore = [...before.keys()];
  let position = 0;
  for (const [name, env] of after) {
    if (envsBefore[position++] !== name) return undefined;
    const old = before.get(name)!;
    if (old === env || old.resources === env.resources) {
      if (old.locks !== env.locks) return undefined;
      continue;
    }
    if (old.locks !== env.locks || old.resources.size !== env.resources.size) return undefined;
    for (const [resourceName, resource] of env.resources) {
      const was = old.resources.get(resourceName);
      if (was === undefined) return undefined;
      if (was !== resource) names.add(resourceName);
    }
  }
  // A name the last list has no row for (a version of a resource no environment holds) is for the full build.
  for (const name of names) if (!last.places.has(name)) return undefined;
  return names;
}

/** What besides its inputs a row is built from: its known versions, its secrets' origins, and who locked. */
function rowRevision(name: string, catalog: VersionCatalog, secrets: SecretKeys | undefined, lockOrigins: LockOriginsOf | undefined): string {
  return `${catalog.revision(name)}:${secrets?.revision(name) ?? 0}:${lockOrigins?.revision() ?? 0}`;
}

function sameInputs(a: ResourceInputs, b: ResourceInputs): boolean {
  return a.length === b.length && a.every((x, i) => x.env === b[i]?.env && x.resource === b[i]?.resource && x.locks === b[i]?.locks);
}

/** One row of the matrix: the resource in every environment, and its known versions. */
function resourceView(name: string, inputs: ResourceInputs, catalog: VersionCatalog, secrets: SecretKeys | undefined, lockOrigins: LockOriginsOf | undefined): ResourceView {
  const envs: Record<string, ResourceInEnv> = {};
  for (const { env, resource, locks } of inputs) {
    const keys = resource.version ? (secrets?.of(resource) ?? []) : [];
    // Encrypted values show as keys with their origin only; the fields keep what is plain.
    const fields = keys.length > 0 ? withoutSecretKeys(resource.version!.fields as Record<string, YamlValue>, keys.map((k) => k.key)) : (resource.version?.fields as Record<string, YamlValue> | undefined);
    const origins = lockOrigins?.of(env, locks, resource.name) ?? [];
    envs[env] = {
      kind: resource.source.kind,
      ...(resource.version ? { version: resource.version.version, fields } : {}),
      ...(keys.length > 0 ? { secrets: keys } : {}),
      lockReasons: resourceLockReasons(locks, resource.name),
      ...(origins.length > 0 ? { lockOrigins: origins } : {}),
      locked: isLocked(locks, resource.name),
      ...(resource.problems && resource.problems.length > 0 ? { problems: resource.problems.map(placeOf) } : {}),
    };
  }
  const presentIn = new Map<string, string[]>();
  for (const [env, state] of Object.entries(envs)) if (state.version !== undefined) presentIn.set(state.version, [...(presentIn.get(state.version) ?? []), env]);
  return { name, envs, versions: catalog.versionsOf(name, presentIn) };
}

/** What a person needs to fix a resource's problem; severity, env and resource are already where it sits. */
function placeOf(problem: Problem): ResourceProblem {
  const { file, line, col, code, message } = problem;
  return { file, ...(line === undefined ? {} : { line }), ...(col === undefined ? {} : { col }), code, message };
}
