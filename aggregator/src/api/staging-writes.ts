// The staging writes under `/api/v1/stagings`: create, deploy (create or update, for CI), update, archive (by name or
// by branch), restore and clean up. Each is one commit on `stagings/<name>.yaml`, answered once the remote has it.
import type { Context } from 'hono';
import { createRoute } from '@hono/zod-openapi';
import type { ServiceEnv } from '@cascade/common/service';
import { planStagingWrite, type StagingWrite } from '../writes/stagings/plan-staging.ts';
import type { ApiApp, RouteDeps } from './deps.ts';
import { access, guarded } from './route-access.ts';
import { errorResponse, json, writeResponses } from './route-responses.ts';
import { runWriteWithSecrets } from './secret-writes.ts';
import { stagingAnswer } from './staging-answer.ts';
import { ArchiveBranchRequestSchema, CreateStagingRequestSchema, DeployStagingRequestSchema, StagingParamsSchema, UpdateStagingRequestSchema } from './schemas/staging-requests.ts';
import { StagingWriteResponseSchema } from './schemas/staging-responses.ts';
import { headSnapshots, requesterOf, statusCode } from './write-routes-helpers.ts';

const TRAILERS = 'The commit carries `Cascade-Type: Staging`, `Cascade-Staging: <name>`, `Cascade-Action` and `Cascade-Requested-By`; its author is the token\'s name.';

/** The failures every staging write shares, on top of every write's. */
const STAGING_FAILURES = {
  404: errorResponse('No such staging (`unknown-staging`; by branch: no staging records it)'),
  409: errorResponse(
    'The repo does not allow it: the name is taken (`staging-exists`, `staging-name-taken`, `staging-namespace-taken`), another branch owns it (`staging-name-collision`), the kind has no room (`staging-limit`, `details.stagings`), it is being cleaned up (`staging-cleaning-up`), it keeps its kind (`staging-kind-mismatch`), its file holds secrets the request neither sends nor removes (`secrets-incomplete`), or its file is broken (`staging-file-invalid`, `uneditable-file`, `file-too-large`)',
  ),
  422: errorResponse(
    'The repo does not allow it: an unknown kind (`unknown-staging-kind`), a kind whose template environment is missing (`staging-template-missing`), a name too long for the kind\'s namespace pattern (`staging-name-too-long`) or whose namespace Kubernetes keeps (`staging-bad-namespace`), a branch without a usable name (`staging-bad-branch`), or secrets without a `.sops.yaml` rule for the file (`no-sops-config`, `no-sops-rule`, `bad-sops-config`)',
  ),
};

/** The answers of a staging write route; `forbidden` says what a role may not do beyond the permission. */
function stagingResponses(forbidden: string) {
  return { ...writeResponses(StagingWriteResponseSchema), ...STAGING_FAILURES, 403: errorResponse(forbidden) };
}

const FORBIDDEN = "The token's role lacks the permission (`forbidden`)";

/** `POST /stagings`. */
export const createStagingRoute = createRoute({
  method: 'post',
  path: '/stagings',
  operationId: 'createStaging',
  summary: 'Create a staging',
  description: `Writes \`stagings/<name>.yaml\` (state active). With \`fromBranch\` the name is the branch's, normalised, and the branch is recorded. Secrets are encrypted before anything is written. ${TRAILERS}`,
  ...access('stagings:write'),
  request: { body: { required: true, content: json(CreateStagingRequestSchema) } },
  responses: stagingResponses(FORBIDDEN),
});

/** `POST /stagings/deploy`. */
export const deployStagingRoute = createRoute({
  method: 'post',
  path: '/stagings/deploy',
  operationId: 'deployStaging',
  summary: 'Create a staging or update it (CI, on every push)',
  description: `Creates the staging, or updates the fields given (the others stay). With \`fromBranch\` the name is stable for the branch, and a staging of that name that another branch (or a person, by name) created is \`409 staging-name-collision\`. An archived staging of the branch is brought back. The same settings again commit nothing (200); with secrets it always commits. ${TRAILERS}`,
  ...access('stagings:write'),
  request: { body: { required: true, content: json(DeployStagingRequestSchema) } },
  responses: stagingResponses(`${FORBIDDEN}, or a ci token brought back an archived staging by name (\`staging-action-forbidden\`)`),
});

/** `PATCH /stagings/{name}`. */
export const updateStagingRoute = createRoute({
  method: 'patch',
  path: '/stagings/{name}',
  operationId: 'updateStaging',
  summary: "Change a staging's settings",
  description: `Each field given replaces that field; \`updatedAt\` is set, so \`archiveAfter\` counts again. An archived staging stays archived. ${TRAILERS}`,
  ...access('stagings:write'),
  request: { params: StagingParamsSchema, body: { required: true, content: json(UpdateStagingRequestSchema) } },
  responses: stagingResponses(FORBIDDEN),
});

/** `POST /stagings/archive`. */
export const archiveBranchRoute = createRoute({
  method: 'post',
  path: '/stagings/archive',
  operationId: 'archiveBranchStaging',
  summary: 'Archive the staging deployed from a branch (CI)',
  description: `Finds the staging that records \`fromBranch\` and archives it (state archived, \`archivedAt\` now): workloads stop, data stays. This is how a ci token archives: only its branch's staging. ${TRAILERS}`,
  ...access('stagings:write'),
  request: { body: { required: true, content: json(ArchiveBranchRequestSchema) } },
  responses: stagingResponses(FORBIDDEN),
});

/** `POST /stagings/{name}/archive`. */
export const archiveStagingRoute = createRoute({
  method: 'post',
  path: '/stagings/{name}/archive',
  operationId: 'archiveStaging',
  summary: 'Archive a staging',
  description: `State archived, \`archivedAt\` now: workloads stop, data stays until the kind's retention has passed. Already archived: 200. ${TRAILERS}`,
  ...access('stagings:write'),
  request: { params: StagingParamsSchema },
  responses: stagingResponses(`${FORBIDDEN}, or a ci token named a staging (\`staging-not-yours\`): ci archives by branch only`),
});

/** `POST /stagings/{name}/restore`. */
export const restoreStagingRoute = createRoute({
  method: 'post',
  path: '/stagings/{name}/restore',
  operationId: 'restoreStaging',
  summary: 'Bring an archived staging back',
  description: `State active, \`archivedAt\` removed, \`updatedAt\` now; it runs again with its last settings and the same data. Counts against the kind's limit. ${TRAILERS}`,
  ...access('stagings:write'),
  request: { params: StagingParamsSchema },
  responses: stagingResponses(`${FORBIDDEN}, or a ci token asked (\`staging-action-forbidden\`)`),
});

/** `POST /stagings/{name}/cleanup`. */
export const cleanupStagingRoute = createRoute({
  method: 'post',
  path: '/stagings/{name}/cleanup',
  operationId: 'cleanupStaging',
  summary: 'Clean up a staging now, with its data (admin)',
  description: `State cleanup: the deployer deletes it with its volumes and namespace, then its file is removed. ${TRAILERS}`,
  ...access('stagings:cleanup'),
  request: { params: StagingParamsSchema },
  responses: stagingResponses(FORBIDDEN),
});

/** Every staging write route, in the order the reference lists them. */
export const STAGING_WRITE_ROUTES = [createStagingRoute, deployStagingRoute, updateStagingRoute, archiveBranchRoute, archiveStagingRoute, restoreStagingRoute, cleanupStagingRoute];

/** What a handler fills in of a write; who asks, when, and what the deployer reports come from the request and the state. */
type Asked = Omit<StagingWrite, 'requester' | 'now' | 'archivePending' | 'secrets'>;

/** Registers the staging write routes. */
export function registerStagingWriteRoutes(api: ApiApp, deps: RouteDeps): void {
  /** Every route: the request through the one write path, answered with the staging as written. */
  const write = async (c: Context<ServiceEnv>, asked: Asked, secrets?: { values?: Record<string, string> | undefined; remove?: string[] | undefined }) => {
    const now = deps.clock.now();
    const request: StagingWrite = { ...asked, requester: requesterOf(c), now, archivePending: deps.state.archivePending() };
    if (secrets !== undefined && (secrets.values !== undefined || secrets.remove !== undefined)) request.secrets = { values: secrets.values ?? {}, remove: secrets.remove ?? [], key: undefined, now };
    const { result, outcome } = await runWriteWithSecrets(deps, request.secrets, () => planStagingWrite(request, headSnapshots(deps)));
    return c.json(stagingAnswer(result, outcome), statusCode(result));
  };
  api.openapi(guarded(createStagingRoute, deps.auth), (c) => {
    const { name, fromBranch, kind, secrets, ...settings } = c.req.valid('json');
    return write(c, { action: 'create', target: targetOf(name, fromBranch), kind, settings }, { values: secrets });
  });
  api.openapi(guarded(deployStagingRoute, deps.auth), (c) => {
    const { name, fromBranch, kind, secrets, removeSecrets, ...settings } = c.req.valid('json');
    return write(c, { action: 'deploy', target: targetOf(name, fromBranch), kind, settings }, { values: secrets, remove: removeSecrets });
  });
  api.openapi(guarded(updateStagingRoute, deps.auth), (c) => {
    const { secrets, removeSecrets, ...settings } = c.req.valid('json');
    return write(c, { action: 'update', target: { name: c.req.valid('param').name }, settings }, { values: secrets, remove: removeSecrets });
  });
  api.openapi(guarded(archiveBranchRoute, deps.auth), (c) => write(c, { action: 'archive', target: { fromBranch: c.req.valid('json').fromBranch }, settings: {} }));
  api.openapi(guarded(archiveStagingRoute, deps.auth), (c) => write(c, { action: 'archive', target: { name: c.req.valid('param').name }, settings: {} }));
  api.openapi(guarded(restoreStagingRoute, deps.auth), (c) => write(c, { action: 'restore', target: { name: c.req.valid('param').name }, settings: {} }));
  api.openapi(guarded(cleanupStagingRoute, deps.auth), (c) => write(c, { action: 'cleanup', target: { name: c.req.valid('param').name }, settings: {} }));
}

/** The schema proved exactly one of the two is given. */
function targetOf(name: string | undefined, fromBranch: string | undefined): { name: string } | { fromBranch: string } {
  return fromBranch !== undefined ? { fromBranch } : { name: name ?? '' };
}
