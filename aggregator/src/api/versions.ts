// `POST /api/v1/versions`: CI publishes a version; answered only once the commit is on the remote.
import { entryEnvironment } from '@cascade/common';
import type { PushVersionResponse } from '@cascade/common/api';
import { HttpError, readJson } from '@cascade/common/service';
import { planVersionPush } from '../writes/push-version.ts';
import type { AggregatorApp, RouteDeps } from './deps.ts';
import { author, changelog, envName, MAX_VERSION_LENGTH, objectBody, oneLine, resourceName, versionFields } from './validate.ts';
import { requesterOf, runWrite, statusCode, writeStatus } from './write-routes-helpers.ts';

/** Registers the version push route. */
export function registerVersionRoutes(app: AggregatorApp, deps: RouteDeps): void {
  app.post('/api/v1/versions', deps.auth.requirePermission('versions:write'), async (c) => {
    const body = objectBody(await readJson(c), ['resource', 'version', 'env', 'fields', 'changelog', 'author']);
    const resource = resourceName(body) as string;
    const version = oneLine(body, 'version', { required: true, max: MAX_VERSION_LENGTH });
    const fields = versionFields(body);
    const log = changelog(body);
    const env = envName(body, 'env', false) ?? defaultEnvironment(deps);
    const requester = requesterOf(c, author(body));
    const plan = planVersionPush({ resource, version, env, fields, ...(log === undefined ? {} : { changelog: log }), requester });
    const { result, outcome } = await runWrite(deps, plan);
    // An unchanged push answers with the commit that last wrote the file, which is the one holding this version.
    const commit = result.kind === 'committed' ? result.commit : ((await deps.repo.log({ from: result.commit, limit: 1, firstParent: true, paths: [outcome.path] }))[0]?.commit ?? result.commit);
    const answer: PushVersionResponse = { status: writeStatus(result), commit, resource, env, version };
    return c.json(answer, statusCode(result));
  });
}

/** The pipeline's entry environment (e.g. `latest`) from the repo's transitions. */
function defaultEnvironment(deps: RouteDeps): string {
  const snapshot = deps.state.current;
  const env = snapshot ? entryEnvironment([...snapshot.environments.keys()], snapshot.transitions) : undefined;
  if (!env) throw new HttpError(422, 'no-entry-environment', 'env: the repo has no environments yet; name one with "env"', { field: 'env' });
  return env;
}
