// Reads the aggregator's event stream from Node, as the dashboard does, to see what goes over the wire.
import type { StreamEvent } from '@cascade/common/api';

/** One event as sent: its parsed data, its SSE id (absent on the parts of a snapshot but the last) and its size in bytes. */
export interface WireEvent {
  event: StreamEvent;
  id?: string;
  bytes: number;
}

/** An open stream: the events so far, a bounded wait for one, and the end. */
export interface EventReader {
  events: WireEvent[];
  waitFor(predicate: (event: WireEvent) => boolean, timeoutMs?: number): Promise<WireEvent>;
  close(): void;
}

/** Opens `GET /api/v1/events` with `query` (e.g. `?first=40`) and a bearer token. */
export function readEventStream(baseUrl: string, token: string, query = ''): EventReader {
  const controller = new AbortController();
  const events: WireEvent[] = [];
  let wake: () => void = () => {};
  void (async () => {
    const response = await fetch(`${baseUrl}/api/v1/events${query}`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const lines = buffer.slice(0, end).split('\n');
          buffer = buffer.slice(end + 2);
          const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trimStart()).join('\n');
          const id = lines.find((line) => line.startsWith('id:'))?.slice(3).trim();
          if (data === '') continue;
          events.push({ event: JSON.parse(data) as StreamEvent, ...(id === undefined ? {} : { id }), bytes: Buffer.byteLength(data) });
          wake();
        }
      }
    } catch {
      // Closed by close().
    }
  })().catch(() => {});
  return {
    events,
    async waitFor(predicate, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no such event within ${timeoutMs} ms; got ${events.map((e) => e.event.type).join(', ')}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 200);
        });
      }
    },
    close: () => controller.abort(),
  };
}
