// Keeps the page live: reads `GET /events`, applies each event, and on a lost connection retries with
// `Last-Event-ID` so the server sends what was missed (or a fresh snapshot when it no longer has it).
import type { HistoryEntry, StreamEvent } from '../api/wire.ts';
import { backoffDelay } from '@cascade/common/api';
import { applyEvent, type LiveState } from './apply-event.ts';
import { SseParser } from './sse-parser.ts';

/** How the stream is doing, for the banner. */
export type ConnectionState =
  /** Opening the stream for the first time. */
  | { kind: 'connecting' }
  /** Receiving events. */
  | { kind: 'live' }
  /** The stream broke; the next attempt is at `retryAt` (epoch ms). */
  | { kind: 'lost'; message: string; retryAt: number; attempt: number }
  /** The server refused the session's token (401/403); retrying would not help until it changes. */
  | { kind: 'refused'; status: number; message: string };

/** The events the stream sends; comments and unknown event names are skipped. */
const EVENT_NAMES: ReadonlySet<string> = new Set(['snapshot', 'part', 'delta']);

/** What the connection needs from its surroundings. */
export interface ConnectionOptions {
  /** The event stream's address, with `?first=N` to take a large snapshot in parts. */
  url: string;
  headers: () => Record<string, string>;
  onState: (state: LiveState) => void;
  onCommits: (commits: HistoryEntry[]) => void;
  onConnection: (state: ConnectionState) => void;
  /** Delays between attempts grow up to this (ms). */
  maxDelayMs?: number;
}

/** A running event stream; `stop()` ends it for good. */
export interface LiveConnection {
  stop(): void;
  /** Reconnects at once (e.g. after the token changed), keeping the last event id. */
  reconnect(): void;
}

/** Starts reading the event stream and keeps it open until stopped. */
export function connectLive(options: ConnectionOptions): LiveConnection {
  let state: LiveState | undefined;
  let attempt = 0;
  let stopped = false;
  let controller: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const maxDelay = options.maxDelayMs ?? 15_000;

  const schedule = (message: string) => {
    attempt++;
    // Jittered, capped exponential backoff: many open pages must not reconnect in lockstep after a restart.
    const delay = backoffDelay(attempt, { initial: 500, max: maxDelay });
    options.onConnection({ kind: 'lost', message, retryAt: Date.now() + delay, attempt });
    timer = setTimeout(open, delay);
  };

  const open = async () => {
    if (stopped) return;
    // Each attempt owns its controller: a reconnect aborts this one while the next attempt starts.
    const attemptController = new AbortController();
    controller = attemptController;
    const signal = attemptController.signal;
    const headers: Record<string, string> = { accept: 'text/event-stream', ...options.headers() };
    // A snapshot cut off before its last part cannot be resumed: ask for a fresh one.
    if (state?.pending !== undefined) state = undefined;
    if (state !== undefined) headers['last-event-id'] = String(state.seq);
    let response: Response;
    try {
      response = await fetch(options.url, { headers, signal, cache: 'no-store' });
    } catch (error) {
      if (!stopped && !signal.aborted) schedule(`no answer: ${(error as Error).message}`);
      return;
    }
    if (response.status === 401 || response.status === 403) {
      options.onConnection({ kind: 'refused', status: response.status, message: await errorMessage(response) });
      return;
    }
    if (!response.ok || response.body === null) {
      schedule(`live updates answered ${response.status}`);
      return;
    }
    const outcome = await read(response.body, signal);
    if (stopped || signal.aborted) return;
    if (outcome === 'gap') {
      // A hole in the numbering, or an event that does not fit: forget the state so the next request asks for a fresh snapshot.
      state = undefined;
      attempt = 0;
      void open();
      return;
    }
    schedule(outcome);
  };

  /** Reads events until the stream ends; returns why it ended. */
  const read = async (body: ReadableStream<Uint8Array>, signal: AbortSignal): Promise<string | 'gap'> => {
    const parser = new SseParser();
    const decoder = new TextDecoder();
    const reader = body.getReader();
    signal.addEventListener('abort', () => void reader.cancel().catch(() => {}));
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return 'live updates ended';
        // Everything that arrived together is applied together and shown once: parts of a large snapshot come in bursts.
        let changed = false;
        for (const message of parser.push(decoder.decode(value, { stream: true }))) {
          if (!EVENT_NAMES.has(message.event)) continue;
          const event = JSON.parse(message.data) as StreamEvent;
          const applied = applyEvent(state, event);
          if (applied.kind !== 'state') return 'gap';
          if (attempt > 0 || state === undefined) options.onConnection({ kind: 'live' });
          attempt = 0;
          state = applied.state;
          changed = true;
          if (event.type === 'delta' && event.delta.commits?.length) options.onCommits(event.delta.commits);
        }
        if (changed && state !== undefined) options.onState(state);
      }
    } catch (error) {
      return `live updates broke off: ${(error as Error).message}`;
    }
  };

  options.onConnection({ kind: 'connecting' });
  void open();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      controller?.abort();
    },
    reconnect() {
      clearTimeout(timer);
      controller?.abort();
      attempt = 0;
      void open();
    },
  };
}

async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: string } };
    return body.error?.message ?? `Cascade answered ${response.status}`;
  } catch {
    return `Cascade answered ${response.status}`;
  }
}
