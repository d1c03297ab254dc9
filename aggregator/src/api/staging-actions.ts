// `GET /api/v1/stagings/{name}/actions`: what the deployer did for a staging and, on script targets, the control-script
// runs with their output. The deployer keeps both and shows them to admins only, so the aggregator asks it with the
// caller's own token and passes the answer on; it never logs what comes back.
import type { StagingActionRecord } from '@cascade/common';
import type { StagingActionLog, StagingScriptRun } from '@cascade/common/api';
import { deployerClientFor, PeerError } from '@cascade/common/peers';
import { HttpError } from '@cascade/common/service';
import { createRoute } from '@hono/zod-openapi';
import type { ApiApp, RouteDeps } from './deps.ts';
import { access, credentialsToForward, guarded } from './route-access.ts';
import { errorResponse, readResponses } from './route-responses.ts';
import { StagingParamsSchema } from './schemas/staging-requests.ts';
import { StagingActionLogSchema } from './schemas/staging-responses.ts';
import { unknownStagingError } from './staging-reads.ts';

/** How long the deployer gets to answer; its logs are in memory, so this only bounds a stuck deployer. */
const DEPLOYER_TIMEOUT_MS = 10_000;

/** `GET /stagings/{name}/actions`. */
export const stagingActionsRoute = createRoute({
  method: 'get',
  path: '/stagings/{name}/actions',
  operationId: 'getStagingActions',
  summary: "One staging's action log from the deployer, with control-script output (admin)",
  description:
    "The steps the deployer took for the staging (create, update, archive, restore, cleanup) with when, result, duration and message, and for stagings on script targets every control-script run it keeps (argv, exit code, duration, stdout and stderr), oldest first. Script output may quote the staging's config, so this needs `logs:read`; the aggregator asks the deployer with the caller's token. The commits that changed the staging are in `GET /stagings/{name}`.",
  ...access('logs:read'),
  request: { params: StagingParamsSchema },
  responses: {
    ...readResponses(StagingActionLogSchema),
    403: errorResponse("The token's role lacks `logs:read` (admins only)"),
    404: errorResponse('No such staging (`unknown-staging`)'),
    502: errorResponse('The deployer answered with an error or something that is not its log (`deployer-failed`), or refused the token (`deployer-refused`: the services do not share `aggregator.tokens`)'),
    503: errorResponse('The deployer cannot be reached or did not answer in time (`deployer-unreachable`)'),
  },
});

/** Registers the staging action log route. */
export function registerStagingActionRoutes(api: ApiApp, deps: RouteDeps): void {
  const deployer = deployerClientFor(deps.deployerUrl, deps.directory, { timeoutMs: DEPLOYER_TIMEOUT_MS, fetch: deps.fetchImpl });
  api.openapi(guarded(stagingActionsRoute, deps.auth), async (c) => {
    const { name } = c.req.valid('param');
    if (deps.state.staging(name) === undefined) throw unknownStagingError(deps, name);
    // The deployer checks the caller's token against the same list, as the transitioner does for promotions.
    const read = credentialsToForward(c, 'deployer', 'reading the action log', deps.peerToken);
    let actions: StagingActionRecord[];
    let runs: StagingScriptRun[];
    try {
      // A staging's control-script runs are kept under its name as environment and resource.
      [actions, runs] = await Promise.all([deployer.stagingActions(name, read), deployer.scriptRuns(name, name, read)]);
    } catch (error) {
      throw deployerFailure(error, name, deps.deployerUrl);
    }
    // Only the fields the API documents go out, whatever else a newer deployer adds.
    const answer: StagingActionLog = { name, actions: actions.map(actionRecord), ...(runs.length === 0 ? {} : { scriptRuns: runs.map(scriptRun) }) };
    return c.json(answer, 200);
  });
}

/** The answer for a failed call to the deployer; the reason names the call, never what the deployer sent. */
function deployerFailure(error: unknown, name: string, url: string): unknown {
  if (!(error instanceof PeerError)) return error;
  const data = error.data;
  if (data.code === 'unreachable' || data.code === 'timeout') {
    return new HttpError(503, 'deployer-unreachable', `the deployer at ${url} cannot be reached (${error.reason}); the action log of staging ${name} is kept there`, { deployer: url });
  }
  if (data.code === 'http-status' && (data.status === 401 || data.status === 403)) {
    return new HttpError(502, 'deployer-refused', `the deployer at ${url} refused the token (HTTP ${data.status}); the aggregator and the deployer must read the same aggregator.tokens`, { deployer: url, deployerStatus: data.status });
  }
  return new HttpError(502, 'deployer-failed', `the deployer at ${url} ${error.reason} for staging ${name}`, { deployer: url, ...(data.code === 'http-status' ? { deployerStatus: data.status } : {}) });
}

function actionRecord(record: StagingActionRecord): StagingActionRecord {
  const { action, startedAt, finishedAt, durationMs, result, message, commit } = record;
  return { action, startedAt, ...(finishedAt === undefined ? {} : { finishedAt }), ...(durationMs === undefined ? {} : { durationMs }), result, ...(message === undefined ? {} : { message }), commit };
}

function scriptRun(run: StagingScriptRun): StagingScriptRun {
  const { action, args, startedAt, durationMs, exitCode, timedOut, stdout, stderr, startError } = run;
  return { action, args, startedAt, durationMs, exitCode, timedOut, stdout, stderr, ...(startError === undefined ? {} : { startError }) };
}
