// `POST /api/v1/versions`: CI publishes a version; answered only once the commit is on the remote.
// Who may push where (ci: entry environments only, never past a lock) is decided inside the write: writes/push-rules.ts.
import type { PushVersionResponse } from '@cascade/common/api';
import { HttpError, readJson } from '@cascade/common/service';
import { planVersionPush } from '../writes/push-version.ts';
import type { AggregatorApp, RouteDeps } from './deps.ts';
import { author, changelog, envName, MAX_REASON_LENGTH, MAX_VERSION_LENGTH, objectBody, oneLine, resourceName, versionFields } from './validate.ts';
import { requesterOf, runWrite, statusCode, writeStatus } from './write-routes-helpers.ts';

/** Registers the version push route. */
export function registerVersionRoutes(app: AggregatorApp, deps: RouteDeps): void {
  app.post('/api/v1/versions', deps.auth.requirePermission('versions:write'), async (c) => {
    const body = objectBody(await readJson(c), ['resource', 'version', 'env', 'fields', 'changelog', 'author', 'lockOverride']);
    const resource = resourceName(body) as string;
    const version = oneLine(body, 'version', { required: true, max: MAX_VERSION_LENGTH });
    const fields = versionFields(body);
    const log = changelog(body);
    // Absent: the write resolves the entry environment on the tree it is applied to.
    const env = envName(body, 'env', false);
    const lockOverride = oneLine(body, 'lockOverride', { max: MAX_REASON_LENGTH });
    const requester = requesterOf(c, author(body));
    if (lockOverride !== undefined && requester.role === 'ci') {
      throw new HttpError(403, 'lock-override-forbidden', 'lockOverride: a ci token never pushes past a lock; an operator or admin may', { field: 'lockOverride', role: requester.role });
    }
    const push = { resource, version, fields, requester, ...(env === undefined ? {} : { env }), ...(log === undefined ? {} : { changelog: log }), ...(lockOverride === undefined ? {} : { lockOverride }) };
    const { result, outcome } = await runWrite(deps, planVersionPush(push, { ciEnvironments: deps.ciEnvironments }));
    // An unchanged push answers with the commit that last wrote the file, which is the one holding this version.
    const commit = result.kind === 'committed' ? result.commit : ((await deps.repo.log({ from: result.commit, limit: 1, firstParent: true, paths: [outcome.path] }))[0]?.commit ?? result.commit);
    const answer: PushVersionResponse = { status: writeStatus(result), commit, resource, env: outcome.env, version };
    return c.json(answer, statusCode(result));
  });
}
