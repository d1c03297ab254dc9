// Where a version may be pushed: ci only into the pipeline's entry environments (or those aggregator.ciEnvironments
// lists), and nobody past a lock without saying why. Decided on the tree each write attempt is applied to, so a lock
// or a transitions.yaml change committed meanwhile counts.
import { entryEnvironments, resourceLockReasons, type Locks, type RepoEnvironments } from '@cascade/common';
import { WriteRefusedError } from './errors.ts';
import type { Requester } from './requester.ts';

/** What the aggregator's config adds to the rule. */
export interface PushRules {
  /** `aggregator.ciEnvironments`: where ci may push besides the pipeline's entry environments. */
  ciEnvironments: readonly string[];
}

/** The environment a push naming none goes to: the pipeline's entry environment, when there is exactly one. */
export function defaultPushEnvironment(environments: RepoEnvironments): string {
  const entries = entryEnvironments(environments.names, environments.transitions);
  if (entries.length === 1) return entries[0] as string;
  if (entries.length === 0) {
    throw new WriteRefusedError('no-entry-environment', 'unprocessable', 'env: transitions.yaml names no entry environment (a transition source that is no target); name one with "env"', { field: 'env' });
  }
  throw new WriteRefusedError('env-required', 'unprocessable', `env: the pipeline has several entry environments (${entries.join(', ')}); name one with "env"`, { field: 'env', environments: entries });
}

/** Throws `environment-not-allowed` when a ci token asks for an environment its rule does not give it. */
export function checkCiEnvironment(requester: Requester, env: string, environments: RepoEnvironments, rules: PushRules): void {
  if (requester.role !== 'ci') return;
  const allowed = [...new Set([...entryEnvironments(environments.names, environments.transitions), ...rules.ciEnvironments])];
  if (allowed.includes(env)) return;
  const message = `a ci token pushes only into ${allowed.join(', ') || 'no environment'} (the pipeline's entry environments and aggregator.ciEnvironments), not ${env}; transitions bring versions further`;
  throw new WriteRefusedError('environment-not-allowed', 'forbidden', message, { field: 'env', env, allowed });
}

/**
 * The locks a push goes past: none, or those an operator's or admin's override reason lets it through, each
 * described for the commit message. Otherwise throws `environment-locked` or `resource-locked` naming the reasons.
 */
export function locksPassed(locks: Locks, env: string, resource: string, requester: Requester, lockOverride: string | undefined): string[] {
  const resourceReasons = resourceLockReasons(locks, resource);
  const held = [
    ...(locks.envReasons.length > 0 ? [{ code: 'environment-locked', what: env, reasons: locks.envReasons }] : []),
    ...(resourceReasons.length > 0 ? [{ code: 'resource-locked', what: `${resource} in ${env}`, reasons: resourceReasons }] : []),
  ];
  const [first] = held;
  if (first === undefined) return [];
  // ci never overrides: a lock is exactly what must stop an automated push.
  if (requester.role !== 'ci' && lockOverride !== undefined) return held.map((lock) => `${lock.what} (${lock.reasons.join('; ')})`);
  const hint = requester.role === 'ci' ? 'a ci token never pushes past a lock; unlock it first' : 'to push anyway, give "lockOverride" with the reason';
  const data = { env, ...(first.code === 'resource-locked' ? { resource } : {}), reasons: first.reasons };
  throw new WriteRefusedError(first.code, 'locked', `${first.what} is locked (${first.reasons.join('; ')}); ${hint}`, data);
}
