// Lock and unlock as pure writes on `<env>/locks.yaml`, keeping the file's comments and the other entries.
import { addLockReason, closestName, locksPath, parseLocksFile, removeLockReason, resourceLockReasons, type Environment, type Locks, type RepoFiles } from '@cascade/common';
import { cascadeTrailers } from '@cascade/common/git';
import { WriteRefusedError } from './errors.ts';
import { LOCKS_FILE, refuseOversizedWrite } from './file-size.ts';
import { writePlan, type WritePlan } from './plan.ts';
import { definedAnywhere, headSnapshot, parsedHeads, requireEnvironment, type HeadSnapshots } from './head-snapshot.ts';
import { readText } from './repo-paths.ts';
import type { Requester } from './requester.ts';

/** A checked lock or unlock request; `reason` is required to lock, optional (meaning "all") to unlock. */
export interface LockChange {
  action: 'lock' | 'unlock';
  env: string;
  resource?: string;
  reason?: string;
  requester: Requester;
}

/**
 * Plans the locks.yaml edit; the outcome is the reasons left on the environment or resource. Decided on the snapshot
 * of the head the write is applied to (`heads`); the file's text is read only to edit it.
 */
export function planLockChange(change: LockChange, heads: HeadSnapshots = parsedHeads): WritePlan<{ reasons: string[] }> {
  const { env, resource, reason, action } = change;
  return writePlan((current, context) => {
    const snapshot = headSnapshot(current, context, heads);
    const environment = requireEnvironment(snapshot, env);
    if (resource !== undefined && !definedAnywhere(snapshot, resource)) {
      // A lock may outlive its resource (removed from the repo since); unlocking that lock must stay possible.
      const stale = action === 'unlock' && holdsLock(current, environment, resource);
      if (!stale) {
        const suggestion = closestName(resource, environment.resources.keys());
        const message = `resource "${resource}" does not exist in any environment${suggestion ? `; did you mean ${suggestion}?` : ''}`;
        throw new WriteRefusedError('unknown-resource', 'not-found', message, { field: 'resource', resource, ...(suggestion ? { suggestion } : {}) });
      }
    }
    const path = locksPath(env);
    const existing = readText(current, path);
    if (action === 'unlock' && existing === undefined) return { edit: null, outcome: { reasons: [] } };
    if (action === 'lock' && reason === undefined) throw new WriteRefusedError('missing-reason', 'unprocessable', 'a lock needs a reason', { field: 'reason' });
    const next = action === 'lock' ? addLockReason(existing, reason as string, resource) : removeLockReason(existing, reason, resource);
    const reasons = reasonsOf(parseLocksFile(path, next).locks, resource);
    if (next === existing) return { edit: null, outcome: { reasons } };
    refuseOversizedWrite(LOCKS_FILE, path, next, existing);
    const what = resource === undefined ? env : `${resource} in ${env}`;
    const verb = action === 'lock' ? 'Lock' : 'Unlock';
    const body = action === 'lock' ? reason : reason === undefined ? 'Removed every reason.' : `Removed reason: ${reason}`;
    return {
      outcome: { reasons },
      edit: {
        changes: { [path]: next },
        message: `${verb} ${what}\n\n${body}`,
        trailers: cascadeTrailers(verb, { env, resource, requestedBy: change.requester.token }),
        author: change.requester.author,
      },
    };
  });
}

/**
 * True when the environment's locks.yaml locks `resource`. Its text is read first, as the edit reads it: a file Cascade
 * cannot read at all is refused naming it (409), where the snapshot's fail-closed reading would lock only the
 * environment and leave the request a 404.
 */
function holdsLock(current: RepoFiles, environment: Environment, resource: string): boolean {
  if (readText(current, locksPath(environment.name)) === undefined) return false;
  return Object.hasOwn(environment.locks.resourceReasons, resource);
}

/** The reasons that apply to the entry the request addressed. */
export function reasonsOf(locks: Locks, resource: string | undefined): string[] {
  if (resource === undefined) return locks.envReasons;
  return resourceLockReasons(locks, resource);
}
