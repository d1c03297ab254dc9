// The no-downgrade rule: an automatic promotion never moves a resource back to a version that entered the pipeline
// earlier than the one the target has, never carries a rollback out of the environment it was made in, and never
// undoes a person's hand-made step back in the target. People can always commit; the transitioner only follows.
import { resourcePaths, rollbackLockOf, type Problem, type SnapshotWithFiles, type Transition } from '@cascade/common';
import type { Observations } from './observations.ts';

/** Problem codes of resources held by this rule: expected states, not files a person must fix. */
export const PIPELINE_HOLD_CODES: ReadonlySet<string> = new Set(['rolled-back-in-source', 'older-version', 'set-back-in-target']);

/** True when a held resource is held by the pipeline's order rather than by a broken file. */
export function isPipelineHold(problem: Pick<Problem, 'code'>): boolean {
  return PIPELINE_HOLD_CODES.has(problem.code);
}

/** Why a manual run is allowed past a hold: a person asked for exactly this promotion. */
export interface PipelineHoldOptions {
  /** A person asked for this run: their request outranks another person's hand-made step back (not a rollback lock, not the order). */
  manual?: boolean;
}

/**
 * Why `name` must stay as it is in the transition's target although the source has another version, or undefined
 * when it may be promoted: the source holds it by a rollback (its sticky lock), a person set the target back by hand
 * and the source offers nothing newer than what they replaced, or the source's version entered the pipeline
 * before the target's.
 */
export function pipelineHold(snapshot: SnapshotWithFiles, transition: Transition, name: string, observed: Observations, options: PipelineHoldOptions = {}): Problem | undefined {
  const { source, target } = transition;
  const versionIn = (env: string) => snapshot.environments.get(env)?.resources.get(name)?.version?.version;
  const incoming = versionIn(source);
  const current = versionIn(target);
  const keeps = current === undefined ? `${target} keeps what it has` : `${target} keeps ${current}`;
  // 1. A rollback pins the resource where it was made: promoting it on would be a second, unasked-for rollback.
  const rollback = rollbackLockOf(snapshot.environments.get(source)?.locks.resourceReasons[name]);
  if (rollback) return hold(`${source}/locks.yaml`, 'rolled-back-in-source', `${source} was rolled back to ${incoming ?? rollback.version}; ${keeps}`, source, name);
  if (incoming === undefined || current === undefined || incoming === current) return undefined;
  const order = observed.versionOrder?.get(name);
  if (!order) return undefined;
  const enteredAt = (version: string) => order.entered.get(version)?.getTime();
  // 2. A person's step back stays until the source offers a version newer than the one they replaced.
  const setBack = order.setBack.get(target);
  if (setBack && setBack.to === current && !options.manual) {
    const replaced = enteredAt(setBack.from);
    const offered = enteredAt(incoming);
    if (incoming === setBack.from || (replaced !== undefined && offered !== undefined && offered <= replaced)) {
      const message = `${target} was set back to ${current} by ${setBack.author} (commit ${setBack.commit.slice(0, 12)}); ${source} has ${incoming}, not newer than the ${setBack.from} it replaced, so ${keeps}`;
      return hold(resourcePaths(target, 'version', name)[0], 'set-back-in-target', message, target, name);
    }
  }
  // 3. Never back: a version that entered the pipeline earlier than the target's does not replace it.
  const offered = enteredAt(incoming);
  const present = enteredAt(current);
  if (offered !== undefined && present !== undefined && offered < present) {
    return hold(resourcePaths(source, 'version', name)[0], 'older-version', `${source} has ${incoming}, which entered the pipeline before ${current}; ${keeps}`, source, name);
  }
  return undefined;
}

function hold(file: string, code: string, message: string, env: string, resource: string): Problem {
  return { file, severity: 'warning', code, message, env, resource };
}
