// `GET /api/v1/events`: Server-Sent Events — the full status on connect, then numbered deltas; resync after reconnect.
import type { StatusEvent, StreamEvent } from '@cascade/common/api';
import { splitStatus } from '@cascade/common/api';
import { createRoute } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import type { ApiApp, RouteDeps } from './deps.ts';
import { access, guarded } from './route-access.ts';
import { errorResponse } from './route-responses.ts';
import { EventsHeadersSchema, EventsQuerySchema, SNAPSHOT_PART_SIZE } from './schemas/requests.ts';

/** A comment line every so often keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;
/** Events queued for one slow client before it is resynced with a snapshot instead. */
const MAX_QUEUED_EVENTS = 500;

/** The route's definition; the stream's events are described by the StatusEvent schema, registered with the document. */
export const eventsRoute = createRoute({
  method: 'get',
  path: '/events',
  operationId: 'getEvents',
  summary: 'Live status as Server-Sent Events: a snapshot (in parts with `first`), then numbered deltas',
  ...access('read'),
  request: { query: EventsQuerySchema, headers: EventsHeadersSchema },
  responses: {
    200: { description: 'The event stream; each event `data` is a StatusEvent', content: { 'text/event-stream': { schema: { $ref: '#/components/schemas/StatusEvent' } } } },
    400: errorResponse('A parameter given twice, or `first` out of range; `details.field` names it'),
    401: errorResponse('No valid bearer token'),
  },
});

/** Registers the event stream route. */
export function registerEventRoutes(api: ApiApp, deps: RouteDeps): void {
  api.openapi(guarded(eventsRoute, deps.auth), (c) => {
    const lastEventId = c.req.header('last-event-id') ?? c.req.query('lastEventId');
    const { first } = c.req.valid('query');
    // The hub broadcasts every value; each connection is sent what its caller may see.
    const role = deps.auth.identify(c).role;
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
            const out = wireEvents(deps.views.event(event, role), first);
            for (const [index, part] of out.entries()) {
              if (closed) break;
              // Only the last event of a snapshot carries the id: a client cut off before it resumes with a fresh snapshot.
              await stream.writeSSE({ event: part.type, data: JSON.stringify(part), ...(index === out.length - 1 ? { id: String(part.seq) } : {}) });
            }
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

/** What goes on the wire for one event: a snapshot in parts when the client asked for them, anything else as it is. */
function wireEvents(event: StatusEvent, first: number | undefined): StreamEvent[] {
  if (event.type !== 'snapshot' || first === undefined) return [event];
  const { head, parts, rest } = splitStatus(event.status, first, SNAPSHOT_PART_SIZE);
  if (rest === undefined) return [event];
  return [{ ...event, status: head, rest }, ...parts.map((part): StreamEvent => ({ type: 'part', seq: event.seq, part }))];
}

/** The sequence number from `Last-Event-ID`, or undefined when absent or not a number. */
function parseEventId(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,16}$/.test(value)) return undefined;
  return Number(value);
}
