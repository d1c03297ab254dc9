// The served OpenAPI document and the app agree: every route the aggregator serves is in the document, and the
// document names nothing the app does not serve. Outside it are only the routes every Cascade service has and the UI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_BASE } from '@cascade/common/api';
import { startHarness, type Harness } from '../testing/harness.ts';
import { openApiDocument, type OpenApiDocument } from './openapi.ts';

/**
 * Served, but not part of `/api/v1` (docs/api.md): liveness, readiness and metrics, and the open `POST /refresh`,
 * which every Cascade service has; the JSON 404 for unknown API paths; the dashboard's files and pages.
 */
const OUTSIDE_THE_API = ['GET /healthz', 'GET /readyz', 'GET /metrics', 'POST /refresh', 'GET /api/*', 'GET /*'];

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.cleanup());

/** `METHOD /path` of every operation in the document, with the base path it is served below. */
function documented(doc: OpenApiDocument): string[] {
  const base = doc.servers?.[0]?.url ?? '';
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) => (['get', 'post', 'delete', 'put', 'patch'] as const).filter((method) => item[method]).map((method) => `${method.toUpperCase()} ${base}${path}`));
}

describe('the OpenAPI document', () => {
  it('is served at /api/v1/openapi.json, generated from the schemas the app checks requests with', async () => {
    const res = await h.call('GET', `${API_BASE}/openapi.json`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(openApiDocument());
  });

  it('names every route the app serves, and nothing else', async () => {
    const doc = (await (await h.call('GET', `${API_BASE}/openapi.json`)).json()) as OpenApiDocument;
    // Middleware is registered for every method (`ALL`); a route with guards is listed once per handler.
    // Hono writes a path parameter as `:name`, OpenAPI as `{name}`.
    const served = [...new Set(h.aggregator.app.routes.filter((route) => route.method !== 'ALL').map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`))];
    expect(OUTSIDE_THE_API.filter((route) => !served.includes(route))).toEqual([]);
    expect(served.filter((route) => !OUTSIDE_THE_API.includes(route)).sort()).toEqual(documented(doc).sort());
  });

  it('says what each route needs: a permission and the bearer scheme, or public', () => {
    const doc = openApiDocument();
    for (const item of Object.values(doc.paths ?? {})) {
      for (const op of [item.get, item.post, item.patch, item.delete]) {
        if (!op) continue;
        const permission = String(op['x-cascade-permission']);
        expect([op.operationId, permission === 'public' ? [] : op.security?.[0]]).toEqual([op.operationId, permission === 'public' ? [] : { bearer: [] }]);
      }
    }
  });
});
