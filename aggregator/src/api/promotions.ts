// `POST /api/v1/promotions`: run a named transition now; the transitioner decides, honouring locks and preconditions.
import type { TransitionResult } from '@cascade/common';
import type { PromotionResponse } from '@cascade/common/api';
import { HttpError, readJson } from '@cascade/common/service';
import type { AggregatorApp, RouteDeps } from './deps.ts';
import { objectBody, oneLine } from './validate.ts';

/** How long a manual promotion may take at the transitioner. */
const PROMOTION_TIMEOUT_MS = 60_000;

/** Registers the promotion route. */
export function registerPromotionRoutes(app: AggregatorApp, deps: RouteDeps): void {
  app.post('/api/v1/promotions', deps.auth.requirePermission('promotions:write'), async (c) => {
    const body = objectBody(await readJson(c), ['transition']);
    const transition = oneLine(body, 'transition', { required: true, max: 100 });
    const known = deps.state.current?.transitions.map((t) => t.name) ?? [];
    if (!known.includes(transition)) {
      throw new HttpError(404, 'unknown-transition', `transition "${transition}" is not in transitions.yaml; known: ${known.join(', ') || 'none'}`, { field: 'transition', transitions: known });
    }
    const url = `${deps.transitionerUrl.replace(/\/+$/, '')}/transitions/${encodeURIComponent(transition)}/run`;
    let response: Response;
    try {
      // The caller's own token goes along: the transitioner checks it against the same token list and records its name as the author.
      const authorization = c.req.header('authorization');
      response = await (deps.fetchImpl ?? fetch)(url, {
        method: 'POST',
        headers: authorization ? { authorization } : {},
        signal: AbortSignal.timeout(PROMOTION_TIMEOUT_MS),
      });
    } catch {
      throw new HttpError(503, 'transitioner-unreachable', `the transitioner at ${deps.transitionerUrl} cannot be reached; nothing was promoted`);
    }
    const result = (await response.json().catch(() => null)) as TransitionResult | null;
    deps.afterWrite();
    if (!response.ok) {
      const message = (result as { error?: { message?: string } } | null)?.error?.message ?? `the transitioner answered HTTP ${response.status}`;
      throw new HttpError(response.status >= 500 ? 502 : response.status, 'promotion-refused', `transition ${transition}: ${message}`, { transitionerStatus: response.status, result });
    }
    if (result === null) throw new HttpError(502, 'promotion-refused', `transition ${transition}: the transitioner answered without a result`);
    const answer: PromotionResponse = { transition, transitionerStatus: response.status, result };
    return c.json(answer, 200);
  });
}
