import { describe, expect, it } from 'vitest';
import type { WatchEvent } from './object-store.ts';
import { readWatchEvents } from './event-lines.ts';
import { WatchStreamError } from './stream-error.ts';

/** A body that yields `chunks` as the connection delivered them, then fails with `error` if given. */
async function* body(chunks: Array<string | Buffer>, error?: Error): AsyncIterable<Buffer | string> {
  for (const chunk of chunks) yield chunk;
  if (error) throw error;
}

async function read(chunks: Array<string | Buffer>, error?: Error): Promise<{ events: WatchEvent[]; failure: unknown }> {
  const events: WatchEvent[] = [];
  const failure = await readWatchEvents(body(chunks, error), (event) => void events.push(event)).then(() => undefined, (thrown: unknown) => thrown);
  return { events, failure };
}

const event = (type: string, name: string, resourceVersion: string) => ({ type, object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, resourceVersion } } });

describe('readWatchEvents', () => {
  it('hands over each event once its line is complete, wherever the chunks split lines and characters', async () => {
    const text = `${JSON.stringify(event('ADDED', 'café', '1'))}\n\n${JSON.stringify(event('BOOKMARK', '', '2'))}\n${JSON.stringify(event('DELETED', 'b', '3'))}`;
    const bytes = Buffer.from(text);
    // Split inside the two bytes of "é" and inside every line.
    const at = bytes.indexOf(Buffer.from('é')) + 1;
    const { events, failure } = await read([bytes.subarray(0, at), bytes.subarray(at, at + 40), bytes.subarray(at + 40)]);
    expect(failure).toBeUndefined();
    expect(events).toEqual([event('ADDED', 'café', '1'), event('BOOKMARK', '', '2'), event('DELETED', 'b', '3')]);
  });

  it('fails on a line that is not an event, after handing over the events before it', async () => {
    const { events, failure } = await read([`${JSON.stringify(event('ADDED', 'a', '1'))}\n<html>proxy error</html>\n${JSON.stringify(event('ADDED', 'b', '2'))}\n`]);
    expect(events).toEqual([event('ADDED', 'a', '1')]);
    expect(failure).toBeInstanceOf(WatchStreamError);
    expect((failure as WatchStreamError).data.line).toBe('<html>proxy error</html>');
    expect((await read(['{"type":"ADDED"}\n'])).failure).toBeInstanceOf(WatchStreamError);
  });

  it('fails with the connection, dropping a line it cut short', async () => {
    const cut = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    const whole = JSON.stringify(event('ADDED', 'a', '1'));
    const { events, failure } = await read([`${whole}\n${whole.slice(0, 20)}`], cut);
    expect(events).toEqual([event('ADDED', 'a', '1')]);
    expect(failure).toBe(cut);
  });
});
