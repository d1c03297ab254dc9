// `POST /api/v1/promotions`: run a named transition now; the transitioner decides, honouring locks and preconditions.
import { closestName, type PromotionResponse } from '@cascade/common/api';
import { transitionerClientFor, PeerError, type TransitionRun } from '@cascade/common/peers';
import { HttpError } from '@cascade/common/service';
import { createRoute } from '@hono/zod-openapi';
import type { ApiApp, RouteDeps } from './deps.ts';
import { access, credentialsToForward, guarded } from './route-access.ts';
import { errorResponse, json, WRITE_FAILURES } from './route-responses.ts';
import { PromotionRequestSchema } from './schemas/requests.ts';
import { PromotionResponseSchema } from './schemas/responses.ts';

/** How long a manual promotion may take at the transitioner. */
const PROMOTION_TIMEOUT_MS = 60_000;

/** The route's definition: its schemas and what it answers. */
export const promoteRoute = createRoute({
  method: 'post',
  path: '/promotions',
  operationId: 'promote',
  summary: 'Run a transition now through the transitioner',
  ...access('promotions:write'),
  request: { body: { required: true, content: json(PromotionRequestSchema) } },
  responses: { 200: { description: "The transitioner's answer", content: json(PromotionResponseSchema) }, ...WRITE_FAILURES, 502: errorResponse('The transitioner failed') },
});

/** Registers the promotion route. */
export function registerPromotionRoutes(api: ApiApp, deps: RouteDeps): void {
  const transitioner = transitionerClientFor(deps.transitionerUrl, deps.directory, { timeoutMs: PROMOTION_TIMEOUT_MS, fetch: deps.fetchImpl });
  api.openapi(guarded(promoteRoute, deps.auth), async (c) => {
    const { transition } = c.req.valid('json');
    const known = deps.state.current?.transitions.map((t) => t.name) ?? [];
    if (!known.includes(transition)) {
      const suggestion = closestName(transition, known);
      const message = `transition "${transition}" is not in transitions.yaml${suggestion ? ` (did you mean ${suggestion}?)` : ''}; known: ${known.join(', ') || 'none'}`;
      throw new HttpError(404, 'unknown-transition', message, { field: 'transition', transitions: known, ...(suggestion ? { suggestion } : {}) });
    }
    let run: TransitionRun;
    try {
      // The caller's own token goes along: the transitioner checks it against the same token list and records its name as the author.
      run = await transitioner.runTransition(transition, credentialsToForward(c, 'transitioner', 'running a transition', deps.peerToken));
    } catch (error) {
      if (!(error instanceof PeerError)) throw error;
      if (error.data.code !== 'malformed-answer') throw new HttpError(503, 'transitioner-unreachable', `the transitioner at ${deps.transitionerUrl} cannot be reached; nothing was promoted`);
      // It answered, so it may have committed: the status catches up either way.
      deps.afterWrite();
      throw new HttpError(502, 'promotion-refused', `transition ${transition}: the transitioner ${error.reason}`, { field: error.data.field });
    }
    deps.afterWrite();
    if (run.kind === 'refused') {
      throw new HttpError(run.status >= 500 ? 502 : run.status, 'promotion-refused', `transition ${transition}: ${run.message}`, { transitionerStatus: run.status, result: run.body });
    }
    const answer: PromotionResponse = { transition, transitionerStatus: run.status, result: run.result };
    return c.json(answer, 200);
  });
}
