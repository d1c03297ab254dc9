// A call to another Cascade service that brought back no usable answer: one class, a stable `code`, typed `data`.
import { describeMismatch } from './wire-shapes.ts';

/** The services that call each other. */
export type PeerName = 'deployer' | 'transitioner';

/** Why the call brought back no usable answer. */
export type PeerFailure =
  /** No connection, or it broke before the answer was complete; `cause` is short and secret-free, e.g. `request failed (ECONNREFUSED)`. */
  | { code: 'unreachable'; cause: string }
  /** No complete answer within the client's timeout. */
  | { code: 'timeout'; timeoutMs: number }
  /** The peer answered with an HTTP error status. */
  | { code: 'http-status'; status: number }
  /** The peer answered, but not with the wire shape `shape`: `field` (empty for the body itself) is wrong as `problem` says. */
  | { code: 'malformed-answer'; shape: string; field: string; problem: string };

/** Which call failed. */
export interface PeerCall {
  peer: PeerName;
  method: string;
  url: string;
}

/** A failed call to a peer; `message` names the call, `reason` is the same without it (for places that show the address beside it). */
export class PeerError extends Error {
  override readonly name = 'PeerError';
  readonly code: PeerFailure['code'];
  /** What went wrong, without the request: `answered HTTP 503`, `no answer within 3000 ms`, … */
  readonly reason: string;

  constructor(readonly data: PeerCall & PeerFailure) {
    const reason = reasonOf(data);
    super(`${data.method} ${data.url} ${data.code === 'unreachable' ? 'failed: ' : ''}${reason}`);
    this.code = data.code;
    this.reason = reason;
  }
}

function reasonOf(failure: PeerFailure): string {
  switch (failure.code) {
    case 'unreachable':
      return failure.cause;
    case 'timeout':
      return `no answer within ${failure.timeoutMs} ms`;
    case 'http-status':
      return `answered HTTP ${failure.status}`;
    case 'malformed-answer':
      return `answered something that is not a ${failure.shape}: ${describeMismatch(failure)}`;
  }
}
