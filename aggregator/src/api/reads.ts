// `GET /api/v1/status`, `/history` and `/whoami`: answered from memory, never by walking the repo's history.
import { COMMIT_TYPES, isCommitType, type HistoryQuery, type WhoamiResponse } from '@cascade/common/api';
import { checkEnvName, checkResourceName } from '@cascade/common';
import { GitCommandError } from '@cascade/common/git';
import { HttpError, ROLE_PERMISSIONS } from '@cascade/common/service';
import { MAX_PAGE_SIZE } from '../history/history-index.ts';
import type { AggregatorApp, RouteDeps } from './deps.ts';
import { invalid } from './validate.ts';

const QUERY_KEYS = ['env', 'resource', 'type', 'limit', 'cursor'];

/** Registers the status, history and whoami routes. */
export function registerReadRoutes(app: AggregatorApp, deps: RouteDeps): void {
  const read = deps.auth.requirePermission('read');
  app.get('/api/v1/status', read, (c) => c.json(deps.state.hub.state));
  // The dashboard offers only what the role may do; the answer is about the caller alone, so `read` is enough.
  app.get('/api/v1/whoami', read, (c) => {
    const identity = deps.auth.identify(c);
    const answer: WhoamiResponse = { name: identity.name, role: identity.role, anonymous: identity.anonymous, permissions: [...ROLE_PERMISSIONS[identity.role]] };
    return c.json(answer);
  });
  app.get('/api/v1/history', read, async (c) => {
    const query = historyQuery(c.req.query());
    try {
      return c.json(await deps.index.page(query));
    } catch (error) {
      if (error instanceof GitCommandError && query.cursor !== undefined) throw invalid('cursor', 'names no commit of this branch');
      throw error;
    }
  });
}

/** Checks the history query string, naming the parameter that is wrong. */
function historyQuery(raw: Record<string, string>): HistoryQuery {
  for (const key of Object.keys(raw)) if (!QUERY_KEYS.includes(key)) throw invalid(key, `unknown query parameter; expected ${QUERY_KEYS.join(', ')}`);
  const query: HistoryQuery = {};
  if (raw['env'] !== undefined) {
    const problem = checkEnvName(raw['env']);
    if (problem) throw invalid('env', problem);
    query.env = raw['env'];
  }
  if (raw['resource'] !== undefined) {
    const problem = checkResourceName(raw['resource']);
    if (problem) throw invalid('resource', `resource name ${problem}`);
    query.resource = raw['resource'];
  }
  if (raw['type'] !== undefined) {
    if (!isCommitType(raw['type'])) throw invalid('type', `must be a commit type: ${COMMIT_TYPES.join(', ')}`);
    query.type = raw['type'];
  }
  if (raw['limit'] !== undefined) {
    const limit = Number(raw['limit']);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) throw invalid('limit', `must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    query.limit = limit;
  }
  if (raw['cursor'] !== undefined) {
    if (!/^[0-9a-f]{40}$/.test(raw['cursor'])) throw new HttpError(400, 'invalid-request', 'cursor: must be the nextCursor of an earlier page', { field: 'cursor' });
    query.cursor = raw['cursor'];
  }
  return query;
}
