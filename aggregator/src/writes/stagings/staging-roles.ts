// What a ci token may do to stagings beyond `stagings:write`: create, update and deploy any, archive only the staging
// of the branch it names (its own pipeline's), never restore one. Operators and admins may do all of these.
import type { Staging } from '@cascade/common';
import { WriteRefusedError } from '../errors.ts';
import type { Requester } from '../requester.ts';

/** Refuses a ci archive that does not go through the staging's recorded branch (403 `staging-not-yours`). */
export function checkCiArchive(requester: Requester, staging: Staging, byBranch: boolean): void {
  if (requester.role !== 'ci' || byBranch) return;
  const message = `a ci token archives only the staging of the branch it names (fromBranch, cascade staging archive --from-branch), not ${staging.name} by name`;
  throw new WriteRefusedError('staging-not-yours', 'forbidden', message, { field: 'name', name: staging.name, role: requester.role });
}

/** Refuses a restore by a ci token (403 `staging-action-forbidden`): bringing back what people archived is their call. */
export function checkCiRestore(requester: Requester, staging: Staging): void {
  if (requester.role !== 'ci') return;
  throw new WriteRefusedError('staging-action-forbidden', 'forbidden', `a ci token may not restore stagings (${staging.name}); an operator or admin may`, { field: 'name', name: staging.name, role: requester.role });
}
