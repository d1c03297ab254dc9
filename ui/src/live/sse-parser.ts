// Server-Sent Events over text chunks, so the stream can be read with fetch (which can send a bearer token);
// the parsing itself is eventsource-parser's.
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** One dispatched SSE message. */
export interface SseMessage {
  /** The `event:` field; `message` when absent. */
  event: string;
  /** The `data:` lines joined with newlines. */
  data: string;
  /** The `id:` field of this message, when it had one. */
  id?: string;
}

/** Feeds text chunks in and returns the messages they complete; keeps partial lines between calls. */
export class SseParser {
  private completed: SseMessage[] = [];
  private readonly parser = createParser({ onEvent: (message) => this.completed.push(toMessage(message)) });

  /** Consumes a chunk and returns every message it completed, in order. */
  push(chunk: string): SseMessage[] {
    this.parser.feed(chunk);
    const messages = this.completed;
    this.completed = [];
    return messages;
  }
}

function toMessage(message: EventSourceMessage): SseMessage {
  return { event: message.event || 'message', data: message.data, ...(message.id === undefined ? {} : { id: message.id }) };
}
