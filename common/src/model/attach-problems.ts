// Problems found while sorting a commit's paths that belong to a resource (it stays, failing to render) or that
// make an environment's set of resources uncertain (a prune hold); attached once the environments are built.
import type { RepoFiles } from '../repo/files.ts';
import type { Problem } from './problem.ts';
import type { Environment } from './types.ts';

/** Problems waiting for the environments they belong to. */
export interface PendingProblems {
  /** Each names `env` and `resource`; it makes that resource fail to render. */
  resources: Problem[];
  /** Each names `env`; it holds that environment's pruning. */
  holds: Problem[];
}

/** Attaches resource problems and prune holds to the resources and environments that exist. */
export function attachProblems(environments: ReadonlyMap<string, Environment>, pending: PendingProblems): void {
  for (const problem of pending.resources) {
    const resource = problem.resource === undefined ? undefined : environments.get(problem.env ?? '')?.resources.get(problem.resource);
    if (resource) resource.problems = [...(resource.problems ?? []), problem];
  }
  for (const problem of pending.holds) {
    const environment = environments.get(problem.env ?? '');
    if (environment) environment.pruneHold = [...(environment.pruneHold ?? []), problem];
  }
}

/**
 * Environments (declared or found) whose whole folder is a file, a symlink or a submodule: every resource of
 * such an environment is unknown, so each is an error that also holds the environment's pruning.
 */
export function envEntryProblems(repo: RepoFiles, envs: Iterable<string>): Problem[] {
  const problems: Problem[] = [];
  for (const env of new Set(envs)) {
    const entry = repo.files.get(env);
    if (entry === undefined) continue;
    const what = entry.kind === 'executable' ? 'file' : entry.kind;
    const message = `${env} must be a folder, not a ${what}; until it is, the resources of ${env} are unknown and nothing there is pruned`;
    problems.push({ file: env, severity: 'error', code: 'env-not-folder', message, env });
  }
  return problems;
}
