// What the shell observed outside the snapshot, as plain values the pure core decides on.
import { differingPaths, LayeredMap, type DeployerStatus, type RepoFiles } from '@cascade/common';
import { versionPlace } from './copy-plan.ts';

/** What the deployer said when it was asked, or why it could not be asked. */
export type DeployerView =
  /** `GET <deployer>/status` answered. */
  | { kind: 'Reported'; status: DeployerStatus }
  /** The deployer could not be reached or answered with an error; `message` says what happened. */
  | { kind: 'Unreachable'; message: string };

/** Facts about the repo and the deployer, gathered by the shell before deciding (git history, HTTP). */
export interface Observations {
  deployer: DeployerView;
  /**
   * Environments whose files in the snapshot are exactly what the deployer reports it deployed: it reports
   * this commit, or an older one and the environment did not change since (commits to other environments
   * move the head without changing this one).
   */
  deployedAtHead: ReadonlySet<string>;
  /** Per environment, when its version files last changed on the branch (commit time). */
  versionsSince: ReadonlyMap<string, Date>;
  /**
   * Per resource that differs between a transition's source and target: what its history says about the order
   * of its versions (see no-downgrade.ts). Absent or missing a resource: nothing is known, nothing is held for it.
   */
  versionOrder?: ReadonlyMap<string, VersionOrder>;
}

/** What the history says about the versions of one resource. */
export interface VersionOrder {
  /** When each version entered the pipeline: the commit time of the first commit that put it in an entry environment. */
  entered: ReadonlyMap<string, Date>;
  /** Per environment whose version file a person last changed by hand to a version that entered the pipeline earlier. */
  setBack: ReadonlyMap<string, SetBack>;
}

/** A person's commit that put an environment back on an earlier version. */
export interface SetBack {
  /** The version the environment had before the commit. */
  from: string;
  /** The version the commit put there (what the environment has now). */
  to: string;
  commit: string;
  author: string;
}

/** True when `path` is part of what the deployer renders for `env`: anything below `<env>/` except its locks. */
export function rendersFor(env: string, path: string): boolean {
  return path.startsWith(`${env}/`) && path !== `${env}/locks.yaml`;
}

/**
 * The observations that still hold after the tree moved from `before` to `after` (our own promotion,
 * or someone else's push): an environment that changed is no longer what the deployer deployed, and its
 * versions count as changed `now`. Facts about untouched environments carry over unchanged.
 */
export function carryObservations(observed: Observations, before: RepoFiles, after: RepoFiles, now: Date): Observations {
  if (before.commit !== '' && before.commit === after.commit) return observed;
  // One look at what changed (the tree reader's paths, or one walk) serves every question below.
  const changed = differingPaths(before, after, (a, b) => a.oid === b.oid);
  // What the deployer renders for an environment: everything below its folder but its locks.
  const deployedAtHead = new Set([...observed.deployedAtHead].filter((env) => !changed.some((path) => rendersFor(env, path))));
  const versionsSince = new Map(observed.versionsSince);
  for (const env of versionsSince.keys()) if (changed.some((path) => path.startsWith(`${env}/version/`))) versionsSince.set(env, now);
  // A person's set-back stops counting once that version file moved on (our promotion, or another push).
  const versionOrder = observed.versionOrder ? withoutMovedSetBacks(observed.versionOrder, changed) : undefined;
  return { deployer: observed.deployer, deployedAtHead, versionsSince, ...(versionOrder ? { versionOrder } : {}) };
}

/**
 * The version order without the set-backs whose version file is among the `changed` paths: the same map when none
 * is, else one laid over it with those names' facts replaced. Looks at the changed paths only, not at every name.
 */
function withoutMovedSetBacks(order: ReadonlyMap<string, VersionOrder>, changed: readonly string[]): ReadonlyMap<string, VersionOrder> {
  let kept: Map<string, VersionOrder> | undefined;
  for (const path of changed) {
    const place = versionPlace(path);
    const facts = place === undefined ? undefined : (kept ?? order).get(place.name);
    if (place === undefined || facts === undefined || !facts.setBack.has(place.env)) continue;
    kept ??= LayeredMap.derive(order);
    const setBack = new Map(facts.setBack);
    setBack.delete(place.env);
    kept.set(place.name, { entered: facts.entered, setBack });
  }
  return kept ?? order;
}
