// `POST /refresh` as every service serves it: `202` at once, or with `?wait=true` the answer after the pass it asked for;
// `?changed=status` says only the caller's status changed.
import type { Hono } from 'hono';
import type { LoopRunResult } from '../loop/loop.ts';
import { REFRESH_PATH, type RefreshChange } from '../refresh.ts';
import type { ServiceEnv } from './context.ts';
import { HttpError } from './http-error.ts';
import { jsonPiecesAnswer } from './json-pieces.ts';

/** What the route asks of the service. */
export interface RefreshRouteOptions {
  /**
   * Asks the loop for a pass (many requests during one pass cause one more) and resolves when that pass has run;
   * `changed` is what the caller said changed (`?changed=status`: only its status, so the repo need not be fetched).
   */
  trigger(changed?: RefreshChange): Promise<LoopRunResult>;
  /** The body of a `?wait=true` answer, read once the pass has run: the service's status, or what little it may show without a token. */
  answer(): unknown;
  /** `answer()` already serialised, as UTF-8 pieces of its JSON, when the service keeps its status so (a large status is then not serialised again). */
  answerJson?(): readonly Uint8Array[];
}

/**
 * Adds `POST /refresh`. It is open: it takes no input and only asks the loop for a pass, which coalesces any number of
 * requests into at most one pass in flight and one queued, so a git host's webhook or a peer calls it without a token
 * and gets `202` at once. `?wait=true` holds the answer until the pass that starts after the request has run and answers
 * `200` with `answer()`, whatever the pass came to (the status reports failures); `503 not-running` when no pass will run.
 */
export function addRefreshRoute(app: Hono<ServiceEnv>, options: RefreshRouteOptions): void {
  app.post(REFRESH_PATH, async (c) => {
    const wait = waitParameter(c.req.query('wait'));
    const pass = options.trigger(changedParameter(c.req.query('changed')));
    // Nobody waits for the pass then; its outcome is the loop's to log.
    if (!wait) return c.json({ accepted: true }, 202);
    const result = await pass;
    if (result.outcome === 'stopped') throw new HttpError(503, 'not-running', 'the service is not running its loop (starting or stopping), so no pass will run');
    if (options.answerJson !== undefined) return jsonPiecesAnswer(c, options.answerJson());
    return c.json(options.answer() as object, 200);
  });
}

/** `?wait`: absent or `false` answers at once, `true` waits; anything else is the caller's mistake, named. */
function waitParameter(value: string | undefined): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new HttpError(400, 'invalid-request', `query parameter "wait" must be "true" or "false", not "${value}"`, { field: 'wait' });
}

/** `?changed`: absent (anything may have changed) or `status`; anything else is the caller's mistake, named. */
function changedParameter(value: string | undefined): RefreshChange | undefined {
  if (value === undefined || value === 'status') return value;
  throw new HttpError(400, 'invalid-request', `query parameter "changed" must be "status" or absent, not "${value}"`, { field: 'changed' });
}
