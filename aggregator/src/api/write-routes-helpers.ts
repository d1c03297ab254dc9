// Shared steps of the write routes: who asks, running a plan through the git layer, and the answer's status code.
import type { Context } from 'hono';
import type { WriteResult } from '@cascade/common/git';
import type { AuthorInput, WriteStatus } from '@cascade/common/api';
import type { ServiceEnv } from '@cascade/common/service';
import { getIdentity, HttpError } from '@cascade/common/service';
import type { HeadSnapshots } from '../writes/head-snapshot.ts';
import type { WritePlan } from '../writes/plan.ts';
import { requesterFor, type Requester } from '../writes/requester.ts';
import type { RouteDeps } from './deps.ts';

/** The requester of an authenticated request; the author is the token's (or the person's) unless a token's body names one. */
export function requesterOf(c: Context<ServiceEnv>, author?: AuthorInput): Requester {
  const identity = getIdentity(c);
  if (!identity) throw new HttpError(401, 'unauthorized', 'a bearer token is required');
  const own = requesterFor(identity);
  // A person signed in as themselves commits as themselves; naming another author is what tokens (CI) are for.
  if (identity.person && author !== undefined && (author.name !== own.author.name || author.email !== own.author.email)) {
    throw new HttpError(403, 'author-not-allowed', 'a signed-in person commits under their own name; only a bearer token may name another author', { field: 'author' });
  }
  return { token: own.token, role: identity.role, author: author ?? own.author };
}

/** What the write plans decide on: the snapshot of each head, patched onto the head's before it or the one the aggregator last read. */
export function headSnapshots(deps: RouteDeps): HeadSnapshots {
  return (files, previous) => deps.state.snapshotOf(files, previous);
}

/** Runs a plan through the one write path; resolves only once the remote has the commit. Failures go to the app's onError. */
export async function runWrite<T>(deps: RouteDeps, plan: WritePlan<T>): Promise<{ result: WriteResult; outcome: T }> {
  const result = await deps.repo.write(plan.write);
  deps.afterWrite();
  return { result, outcome: plan.outcome() };
}

/** 201 for a new commit, 200 when the repo already was as asked. */
export function statusCode(result: WriteResult): 200 | 201 {
  return result.kind === 'committed' ? 201 : 200;
}

/** The answer's `status`: `created` for a new commit, `unchanged` when the repo already was as asked. */
export function writeStatus(result: WriteResult): WriteStatus {
  return result.kind === 'committed' ? 'created' : 'unchanged';
}

