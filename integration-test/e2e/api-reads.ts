// Reading the stack's HTTP surface as a client would, for tests that look for values that must not be there: every
// GET route the aggregator documents, one answer each, and the live event stream for as long as a test runs.
import type { Stack } from './stack.ts';

/** GET `url` with `token` (none: anonymous); an event stream is read until its first event is complete. */
export async function readRoute(url: string, token: string | undefined): Promise<{ status: number; text: string }> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: controller.signal });
  if (!response.headers.get('content-type')?.includes('text/event-stream')) return { status: response.status, text: await response.text() };
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    if (/\ndata:.*\n/.test(`\n${text}`) && text.includes('\n\n')) break;
  }
  controller.abort();
  return { status: response.status, text };
}

/**
 * Every GET path the aggregator documents (a test keeps the document complete), `extra` paths, the service routes and
 * the UI. A documented path with parameters (`/stagings/{name}`) needs a name only the test knows: it comes in `extra`.
 */
export async function aggregatorGetPaths(stack: Stack, extra = ['/api/v1/history?env=dev&resource=shop/cart']): Promise<string[]> {
  type Operation = { parameters?: Array<{ in?: string; required?: boolean }> };
  const doc = (await (await fetch(`${stack.services.aggregator.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, Operation | undefined>> };
  // Routes with a path parameter or a required query parameter need values only the caller knows: it lists them in `extra`.
  const needsValues = (operation: Operation) => (operation.parameters ?? []).some((p) => p.in === 'query' && p.required === true);
  const api = Object.entries(doc.paths).filter(([path, operations]) => operations['get'] !== undefined && !path.includes('{') && !needsValues(operations['get'])).map(([path]) => `/api/v1${path}`);
  return [...api, ...extra, '/healthz', '/readyz', '/metrics', '/'];
}

/** An event stream being read in the background: everything it sent so far. */
export interface EventRecording {
  /** The raw text received until now. */
  text(): string;
  /** Ends the stream; resolves once the reader has stopped. */
  close(): Promise<void>;
}

/** Opens `GET /api/v1/events` with `token` and keeps every byte it sends until `close`. */
export async function recordEvents(stack: Stack, token: string): Promise<EventRecording> {
  const controller = new AbortController();
  const response = await fetch(`${stack.services.aggregator.url}/api/v1/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  if (response.status !== 200) throw new Error(`GET /api/v1/events answered ${response.status}: ${await response.text()}`);
  const decoder = new TextDecoder();
  let text = '';
  const reading = (async () => {
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) text += decoder.decode(chunk, { stream: true });
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    }
  })();
  return {
    text: () => text,
    async close() {
      controller.abort();
      await reading;
    },
  };
}
