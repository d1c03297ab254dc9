// `POST /api/v1/versions`: CI publishes a version; answered only once the commit is on the remote.
// Who may push where (ci: entry environments only, never past a lock) is decided inside the write: writes/push-rules.ts.
import type { PushVersionResponse } from '@cascade/common/api';
import { HttpError } from '@cascade/common/service';
import { createRoute } from '@hono/zod-openapi';
import { planVersionPush, type VersionPush } from '../writes/push-version.ts';
import type { ApiApp, RouteDeps } from './deps.ts';
import { access, guarded } from './route-access.ts';
import { errorResponse, json, writeResponses } from './route-responses.ts';
import { PushVersionRequestSchema } from './schemas/requests.ts';
import { PushVersionResponseSchema } from './schemas/responses.ts';
import { runWriteWithSecrets } from './secret-writes.ts';
import { headSnapshots, requesterOf, statusCode, writeStatus } from './write-routes-helpers.ts';

const PUSH_DESCRIPTION = [
  'Writes `<env>/version/<resource>.yaml` as one commit and answers once it is on the remote. The same push again answers 200 with the commit already holding it.',
  "A `ci` token pushes only into the pipeline's entry environments (transition sources that are no target) and those `aggregator.ciEnvironments` lists, and never into a locked environment or resource.",
  'An `operator` or `admin` pushes into any environment, and past a lock only with `lockOverride`, recorded as the `Cascade-Lock-Override` trailer. Locks and environments are checked on the tree the commit is made on.',
  'With `secrets`, the values are encrypted (SOPS, age) to the recipients of the `.sops.yaml` rule matching the file and replace its `secrets` map; the commit names the keys, never the values, and such a push always makes a commit. Without `secrets`, encrypted values already in the file stay as they are.',
].join(' ');

/** The route's definition: its schemas and what it answers. */
export const pushVersionRoute = createRoute({
  method: 'post',
  path: '/versions',
  operationId: 'pushVersion',
  summary: 'Publish a version of a resource (CI)',
  description: PUSH_DESCRIPTION,
  ...access('versions:write'),
  request: { body: { required: true, content: json(PushVersionRequestSchema) } },
  responses: {
    ...writeResponses(PushVersionResponseSchema),
    403: errorResponse("The token's role lacks the permission (`forbidden`), a ci token named an environment it may not push into (`environment-not-allowed`, `details.allowed`), or sent `lockOverride` (`lock-override-forbidden`)"),
    409: errorResponse('The repo is not as the push needs it: the file holds secrets the push neither sends nor removes (`secrets-incomplete`, `details.missing`), or is SOPS-encrypted in a way only sops can edit (`sops-file-not-editable`, `sops-file-foreign-rule`), or a file Cascade must edit is broken (`file-too-large`, `invalid-version-in-repo`)'),
    422: errorResponse('The repo does not allow it: a new resource without its base (`missing-base`), no `env` while the pipeline has no single entry environment (`no-entry-environment`, `env-required`), or secrets without a `.sops.yaml` rule for the file (`no-sops-config`, `no-sops-rule`, `bad-sops-config`)'),
    423: errorResponse('The environment or the resource is locked (`environment-locked`, `resource-locked`; `details.reasons`); only an operator or admin may push past it, with `lockOverride`'),
  },
});

/** Registers the version push route. */
export function registerVersionRoutes(api: ApiApp, deps: RouteDeps): void {
  api.openapi(guarded(pushVersionRoute, deps.auth), async (c) => {
    const { resource, version, fields, secrets, removeSecrets, changelog, env, lockOverride, author } = c.req.valid('json');
    const requester = requesterOf(c, author);
    if (lockOverride !== undefined && requester.role === 'ci') {
      throw new HttpError(403, 'lock-override-forbidden', 'lockOverride: a ci token never pushes past a lock; an operator or admin may', { field: 'lockOverride', role: requester.role });
    }
    // Absent `env`: the write resolves the entry environment on the tree it is applied to.
    const push: VersionPush = { resource, version, fields: fields ?? {}, requester, ...(env === undefined ? {} : { env }), ...(changelog === undefined ? {} : { changelog }), ...(lockOverride === undefined ? {} : { lockOverride }) };
    if (secrets !== undefined || removeSecrets !== undefined) push.secrets = { values: secrets ?? {}, remove: removeSecrets ?? [], key: undefined, now: deps.clock.now() };
    const { result, outcome } = await runWriteWithSecrets(deps, push.secrets, () => planVersionPush(push, { ciEnvironments: deps.ciEnvironments }, headSnapshots(deps)));
    // An unchanged push answers with the commit that last wrote the file, which is the one holding this version.
    const commit = result.kind === 'committed' ? result.commit : ((await deps.repo.log({ from: result.commit, limit: 1, firstParent: true, paths: [outcome.path] }))[0]?.commit ?? result.commit);
    const answer: PushVersionResponse = { status: writeStatus(result), commit, resource, env: outcome.env, version };
    return c.json(answer, statusCode(result));
  });
}
