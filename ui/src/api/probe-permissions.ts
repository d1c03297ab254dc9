// Learns what a token may do from an aggregator without `GET /whoami`: each write route checks the role before the
// body, so an empty body answers 403 without the permission and 400 with it — and never writes anything.
import { ApiError, type ApiClient } from './client.ts';
import type { Action, Whoami } from './whoami.ts';

const PROBES: Record<Action, (api: ApiClient) => Promise<unknown>> = {
  'locks:write': (api) => api.lock({} as never),
  'rollbacks:write': (api) => api.rollback({} as never),
};

/** Asks each write route with an invalid body; the identity has no name or role, only the permissions found. */
export async function probePermissions(api: ApiClient, hasToken: boolean): Promise<Whoami> {
  const permissions = ['read'];
  for (const [permission, probe] of Object.entries(PROBES)) {
    try {
      await probe(api);
      permissions.push(permission); // not expected: an empty body is never valid
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) permissions.push(permission);
    }
  }
  return { name: hasToken ? 'token' : 'anonymous', role: '', anonymous: !hasToken, permissions };
}
