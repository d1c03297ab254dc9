// The rules a staging write checks on the tree it is applied to: the kind exists and can be copied, the name fits the
// kind's namespace pattern and takes nobody's place, the kind has room, a branch keeps its own staging. Pure: each rule
// returns a value or throws a WriteRefusedError naming the field.
import type { Staging, StagingKind } from '@cascade/common';
import { closestName, longestNameFor, stagingNameFromBranch, stagingNamespace } from '@cascade/common';
import { WriteRefusedError } from '../errors.ts';
import { countedStagings } from './staging-limit.ts';
import type { StagingTree } from './staging-tree.ts';

/** The request field a staging name came from: given as `name`, or made from `fromBranch`. */
export type NameField = 'name' | 'fromBranch';

/** The kind named `name`; 422 `unknown-staging-kind` listing the kinds there are, and why a broken one is left out. */
export function requireKind(tree: StagingTree, name: string): StagingKind {
  const kind = tree.kinds.get(name);
  if (kind !== undefined) return kind;
  const broken = tree.kindProblems.find((problem) => problem.message.startsWith(`stagings.${name}:`));
  const known = [...tree.kinds.keys()];
  const why = broken ? `stagings.yaml defines it, but ${broken.message}` : `stagings.yaml defines ${known.length > 0 ? `only ${known.join(', ')}` : 'no kinds'}`;
  throw new WriteRefusedError('unknown-staging-kind', 'unprocessable', `kind "${name}" cannot be used: ${why}`, { field: 'kind', kind: name, kinds: known, file: 'stagings.yaml' });
}

/** Refuses a kind whose template environment the repo does not have (422 `staging-template-missing`). */
export function requireTemplate(tree: StagingTree, kind: StagingKind): void {
  if (tree.environments.names.includes(kind.template)) return;
  const message = `kind ${kind.name} copies environment "${kind.template}", which the repo does not have (it has ${tree.environments.names.join(', ') || 'none'}); fix stagings.yaml`;
  throw new WriteRefusedError('staging-template-missing', 'unprocessable', message, { field: 'kind', kind: kind.name, template: kind.template, file: 'stagings.yaml' });
}

/** A branch as a staging records it: without `refs/heads/`, so both spellings name the same branch. */
export function normalBranch(branch: string): string {
  return branch.replace(/^refs\/heads\//, '');
}

/** The staging name of a branch for `kind`: normalised, cut to what the kind's namespace pattern leaves room for. */
export function nameFromBranch(branch: string, kind: StagingKind): string {
  const name = stagingNameFromBranch(branch, longestNameFor(kind.namespace));
  if (name !== undefined) return name;
  throw new WriteRefusedError('staging-bad-branch', 'unprocessable', `fromBranch: "${branch}" holds no letter or digit to name a staging after`, { field: 'fromBranch' });
}

/**
 * Refuses a name for a new staging of `kind` that would not work or would take another's place: too long for the
 * kind's namespace pattern, a namespace Kubernetes keeps, an environment's name or namespace, another staging's namespace.
 */
export function checkNewName(tree: StagingTree, kind: StagingKind, name: string, field: NameField): void {
  const longest = longestNameFor(kind.namespace);
  if (name.length > longest) {
    throw new WriteRefusedError('staging-name-too-long', 'unprocessable', `${field}: "${name}" is ${name.length} characters; kind ${kind.name}'s namespace pattern "${kind.namespace}" leaves room for ${longest}`, { field, name, limit: longest });
  }
  if (tree.environments.names.includes(name) || tree.deployerEnvs.has(name)) {
    throw new WriteRefusedError('staging-name-taken', 'conflict', `${field}: "${name}" is the name of an environment; name the staging differently`, { field, name });
  }
  if (kind.namespace === undefined) return;
  const resolved = stagingNamespace(kind.namespace, name);
  if ('problem' in resolved) throw new WriteRefusedError('staging-bad-namespace', 'unprocessable', `${field}: ${resolved.problem}`, { field, name });
  const { namespace } = resolved;
  const env = [...tree.envNamespaces].find(([, taken]) => taken === namespace)?.[0];
  if (env !== undefined) throw new WriteRefusedError('staging-namespace-taken', 'conflict', `${field}: the staging's namespace "${namespace}" is environment ${env}'s; no staging may deploy into it`, { field, name, namespace, env });
  for (const other of tree.stagings.values()) {
    const otherKind = other.name === name ? undefined : tree.kinds.get(other.kind);
    if (otherKind?.namespace === undefined) continue;
    const theirs = stagingNamespace(otherKind.namespace, other.name);
    if ('namespace' in theirs && theirs.namespace === namespace) {
      throw new WriteRefusedError('staging-namespace-taken', 'conflict', `${field}: the staging's namespace "${namespace}" is already staging ${other.name}'s`, { field, name, namespace, staging: other.name });
    }
  }
}

/** Refuses one more staging of `kind` when its `limit` is reached (409 `staging-limit`, naming the ones that count). */
export function checkLimit(tree: StagingTree, kind: StagingKind, name: string, archivePending: ReadonlySet<string>): void {
  if (kind.limit === undefined) return;
  const counted = countedStagings(tree.stagings.values(), kind.name, archivePending, name);
  if (counted.length < kind.limit) return;
  const message = `kind ${kind.name} allows ${kind.limit} stagings at once and has ${counted.length} (${counted.join(', ')}); archive one first`;
  throw new WriteRefusedError('staging-limit', 'conflict', message, { field: 'kind', kind: kind.name, limit: kind.limit, stagings: counted });
}

/** The staging named `name`; 404 `unknown-staging`. */
export function requireStaging(tree: StagingTree, name: string): Staging {
  const staging = tree.stagings.get(name);
  if (staging !== undefined) return staging;
  const { message, details } = unknownStaging(name, tree.stagings.keys());
  throw new WriteRefusedError('unknown-staging', 'not-found', message, details);
}

/** The words and details of every refusal of a staging that does not exist, with the name meant when one is close. */
export function unknownStaging(name: string, known: Iterable<string>): { message: string; details: { field: 'name'; name: string; suggestion?: string } } {
  const suggestion = closestName(name, known);
  return {
    message: `staging "${name}" does not exist (no stagings/${name}.yaml)${suggestion ? `; did you mean ${suggestion}?` : ''}`,
    details: { field: 'name', name, ...(suggestion ? { suggestion } : {}) },
  };
}

/** The staging deployed from `branch`; 404 `unknown-staging` naming the branch. */
export function stagingOfBranch(tree: StagingTree, branch: string): Staging {
  const wanted = normalBranch(branch);
  const staging = [...tree.stagings.values()].find((candidate) => candidate.branch !== undefined && normalBranch(candidate.branch) === wanted);
  if (staging !== undefined) return staging;
  throw new WriteRefusedError('unknown-staging', 'not-found', `fromBranch: no staging was deployed from branch "${wanted}"`, { field: 'fromBranch', branch: wanted });
}

/** Refuses a branch deploy onto a staging another branch (or a person, by name) created: 409 `staging-name-collision`. */
export function checkBranchOwner(staging: Staging, branch: string): void {
  const wanted = normalBranch(branch);
  if (staging.branch !== undefined && normalBranch(staging.branch) === wanted) return;
  const owner = staging.branch === undefined ? 'was created by name, not from a branch' : `belongs to branch "${staging.branch}"`;
  const message = `fromBranch: branch "${wanted}" makes the staging name "${staging.name}", which ${owner}; rename the branch, or deploy by name`;
  throw new WriteRefusedError('staging-name-collision', 'conflict', message, { field: 'fromBranch', name: staging.name, branch: staging.branch ?? null });
}

/** Refuses to change a staging whose cleanup is under way (409 `staging-cleaning-up`): its data is being deleted. */
export function refuseCleaningUp(staging: Staging): void {
  if (staging.state !== 'cleanup') return;
  throw new WriteRefusedError('staging-cleaning-up', 'conflict', `staging ${staging.name} is being cleaned up (state: cleanup); wait until it is gone, then create it again`, { field: 'name', name: staging.name });
}
