// Lock and unlock as pure writes on `<env>/locks.yaml`, keeping the file's comments and the other entries.
import { addLockReason, locksPath, parseLocksFile, readEnvironments, removeLockReason, resourceLockReasons, type Locks } from '@cascade/common';
import { cascadeTrailers } from '@cascade/common/git';
import { WriteRefusedError } from './errors.ts';
import { LOCKS_FILE, refuseOversizedWrite } from './file-size.ts';
import { writePlan, type WritePlan } from './plan.ts';
import { readLocks, readText, requireEnvironment, resourceExistsAnywhere } from './repo-paths.ts';
import type { Requester } from './requester.ts';

/** A checked lock or unlock request; `reason` is required to lock, optional (meaning "all") to unlock. */
export interface LockChange {
  action: 'lock' | 'unlock';
  env: string;
  resource?: string;
  reason?: string;
  requester: Requester;
}

/** Plans the locks.yaml edit; the outcome is the reasons left on the environment or resource. */
export function planLockChange(change: LockChange): WritePlan<{ reasons: string[] }> {
  const { env, resource, reason, action } = change;
  return writePlan((current) => {
    requireEnvironment(readEnvironments(current), env);
    if (resource !== undefined && !resourceExistsAnywhere(current, resource)) {
      // A lock may outlive its resource (removed from the repo since); unlocking that lock must stay possible.
      const stale = action === 'unlock' && Object.hasOwn(readLocks(current, env).resourceReasons, resource);
      if (!stale) throw new WriteRefusedError('unknown-resource', 'not-found', `resource "${resource}" does not exist in any environment`, { field: 'resource', resource });
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

/** The reasons that apply to the entry the request addressed. */
export function reasonsOf(locks: Locks, resource: string | undefined): string[] {
  if (resource === undefined) return locks.envReasons;
  return resourceLockReasons(locks, resource);
}
