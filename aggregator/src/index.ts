// `@cascade/aggregator`: the API for CI and people — version pushes, locks, rollbacks, promotions, status, history, events, UI.
export { startAggregator, DEFAULT_UI_DIR, PEER_POLL_MS, type RunningAggregator, type StartAggregatorOptions } from './service.ts';
export { createAggregatorApp, type AggregatorAppOptions } from './app.ts';
export { openApiDocument } from './api/openapi.ts';
export { openApiToMarkdown } from './api/openapi-markdown.ts';
