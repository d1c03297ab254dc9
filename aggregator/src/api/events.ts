// `GET /api/v1/events`: Server-Sent Events — the full status on connect, then numbered deltas; resync after reconnect.
import type { StatusEvent } from '@cascade/common/api';
import { streamSSE } from 'hono/streaming';
import type { AggregatorApp, RouteDeps } from './deps.ts';

/** A comment line every so often keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;
/** Events queued for one slow client before it is resynced with a snapshot instead. */
const MAX_QUEUED_EVENTS = 500;

/** Registers the event stream route. */
export function registerEventRoutes(app: AggregatorApp, deps: RouteDeps): void {
  app.get('/api/v1/events', deps.auth.requirePermission('read'), (c) => {
    const lastEventId = c.req.header('last-event-id') ?? c.req.query('lastEventId');
    return streamSSE(c, async (stream) => {
      const hub = deps.state.hub;
      let queue: StatusEvent[] = [];
      let wake = new AbortController();
      let closed = false;
      // Subscribing and catching up with no await in between: no delta is missed and none is sent twice.
      const unsubscribe = hub.subscribe((event) => {
        queue.push(event);
        if (queue.length > MAX_QUEUED_EVENTS) queue = hub.catchUp(undefined);
        wake.abort();
      });
      queue.push(...hub.catchUp(parseEventId(lastEventId)));
      stream.onAbort(() => {
        closed = true;
        wake.abort();
      });
      try {
        while (!closed) {
          for (let event = queue.shift(); event !== undefined && !closed; event = queue.shift()) {
            await stream.writeSSE({ event: event.type, id: String(event.seq), data: JSON.stringify(event) });
          }
          if (closed) break;
          wake = new AbortController();
          if (queue.length > 0) continue;
          await deps.clock.sleep(HEARTBEAT_MS, wake.signal);
          if (!wake.signal.aborted && !closed) await stream.write(': heartbeat\n\n');
        }
      } finally {
        unsubscribe();
      }
    });
  });
}

/** The sequence number from `Last-Event-ID`, or undefined when absent or not a number. */
function parseEventId(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,16}$/.test(value)) return undefined;
  return Number(value);
}
