// The status answer, decided from a snapshot, the version catalog and the peers' statuses: pure, no I/O.
import type { AggregatorStatus, EnvironmentView, PeerStatus, ResourceInEnv, ResourceProblem, ResourceView, TransitionView } from '@cascade/common/api';
import type { DeployerStatus, Problem, TransitionerStatus, Snapshot, YamlValue } from '@cascade/common';
import { isLocked, resourceLockReasons } from '@cascade/common';
import type { VersionCatalog } from '../history/version-catalog.ts';
import { withWebLinksOnly } from './web-links.ts';

/** The last known status of the deployer and the transitioner. */
export interface PeerStatuses {
  deployer: PeerStatus<DeployerStatus>;
  transitioner: PeerStatus<TransitionerStatus>;
}

/**
 * Merges the repo analysis with the peers' statuses into the one status the API and the UI serve. It holds every
 * version-file value; what a caller may see of them is decided when it is served (visibility/status-views.ts).
 */
export function buildStatus(snapshot: Snapshot | undefined, catalog: VersionCatalog, statuses: PeerStatuses): AggregatorStatus {
  const peers = { deployer: withWebLinksOnly(statuses.deployer), transitioner: statuses.transitioner };
  if (!snapshot) return { commit: null, environments: [], resources: [], transitions: [], problems: [], ...peers };
  const environments: EnvironmentView[] = [...snapshot.environments.values()].map((env) => {
    const binding = snapshot.deployers.get(env.name);
    return {
      name: env.name,
      lockReasons: env.locks.envReasons,
      ...(binding ? { deployer: { target: binding.target, ...(binding.namespace ? { namespace: binding.namespace } : {}) } } : {}),
    };
  });
  const perResource = new Map<string, Record<string, ResourceInEnv>>();
  for (const env of snapshot.environments.values()) {
    for (const resource of env.resources.values()) {
      const envs = perResource.get(resource.name) ?? {};
      perResource.set(resource.name, envs);
      envs[env.name] = {
        kind: resource.source.kind,
        ...(resource.version ? { version: resource.version.version, fields: resource.version.fields as Record<string, YamlValue> } : {}),
        lockReasons: resourceLockReasons(env.locks, resource.name),
        locked: isLocked(env.locks, resource.name),
        ...(resource.problems && resource.problems.length > 0 ? { problems: resource.problems.map(placeOf) } : {}),
      };
    }
  }
  const resources: ResourceView[] = [...perResource.keys()].sort().map((name) => {
    const envs = perResource.get(name) as Record<string, ResourceInEnv>;
    const presentIn = new Map<string, string[]>();
    for (const [env, state] of Object.entries(envs)) if (state.version !== undefined) presentIn.set(state.version, [...(presentIn.get(state.version) ?? []), env]);
    return { name, envs, versions: catalog.versionsOf(name, presentIn) };
  });
  const transitions: TransitionView[] = snapshot.transitions.map((t) => {
    const state = snapshot.transitionState[t.name];
    return state ? { ...t, state } : { ...t };
  });
  return { commit: snapshot.commit, environments, resources, transitions, problems: snapshot.problems, ...peers };
}

/** What a person needs to fix a resource's problem; severity, env and resource are already where it sits. */
function placeOf(problem: Problem): ResourceProblem {
  const { file, line, col, code, message } = problem;
  return { file, ...(line === undefined ? {} : { line }), ...(col === undefined ? {} : { col }), code, message };
}
