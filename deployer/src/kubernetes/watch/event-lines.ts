// A watch response body as the API server streams it: one JSON event (`{"type":…,"object":…}`) per line, split
// across chunks wherever the connection splits it.
import { StringDecoder } from 'node:string_decoder';
import type { Manifest } from '@cascade/common';
import type { WatchEvent } from './object-store.ts';
import { WatchStreamError } from './stream-error.ts';

/**
 * Hands every event of `body` to `onEvent` as its line is complete, and resolves when the stream ends. It rejects
 * when the stream fails (a cut connection, an abort) or carries a line that is not an event: skipping one would
 * leave the watcher's objects out of step with the server without anyone knowing.
 */
export async function readWatchEvents(body: AsyncIterable<Buffer | string>, onEvent: (event: WatchEvent) => void): Promise<void> {
  // A character split between two chunks is decoded once both halves are in.
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of body) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n', start)) {
      emit(pending.slice(start, end), onEvent);
      start = end + 1;
    }
    pending = pending.slice(start);
  }
  emit(pending + decoder.end(), onEvent);
}

function emit(line: string, onEvent: (event: WatchEvent) => void): void {
  if (line.trim() === '') return;
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    throw new WatchStreamError({ line });
  }
  const { type, object } = (event ?? {}) as { type?: unknown; object?: unknown };
  if (typeof type !== 'string' || object === null || typeof object !== 'object') throw new WatchStreamError({ line });
  onEvent({ type, object: object as Manifest });
}
