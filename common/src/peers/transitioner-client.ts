// The transitioner's HTTP API as the aggregator uses it: `GET /status` and running a transition now, checked, bounded in time.
import type { TransitionerStatus, TransitionResult } from '../status/transitioner.ts';
import { callPeer, expectShape, forwardedHeaders, peerUrl, type ForwardedCredentials, type PeerClientOptions } from './call-peer.ts';
import type { PeerCall } from './peer-error.ts';
import { TRANSITION_RESULT, TRANSITIONER_STATUS } from './wire-shapes.ts';

/** What became of asking the transitioner to run a transition. */
export type TransitionRun =
  /** The transitioner ran it; `result` says what came of it. */
  | { kind: 'ran'; status: number; result: TransitionResult }
  /** The transitioner refused (unknown transition, missing permission, its own failure): its status, its message, and its body (null when not JSON). */
  | { kind: 'refused'; status: number; message: string; body: unknown };

/** A client of one transitioner. */
export interface TransitionerClient {
  /** The base URL it was created with, e.g. `http://127.0.0.1:7402`. */
  readonly url: string;
  /** `GET /status`; throws PeerError when there is no answer in time, an HTTP error, or something that is not a transitioner status. */
  status(): Promise<TransitionerStatus>;
  /**
   * `POST /transitions/{name}/run`, sending `authorization` along so the transitioner checks the caller's own token.
   * A refusal is an outcome; no answer in time, or a success that is not a transition result, throws PeerError.
   */
  runTransition(name: string, options?: ForwardedCredentials): Promise<TransitionRun>;
}

/** A client for the transitioner at `baseUrl`. */
export function createTransitionerClient(baseUrl: string, options: PeerClientOptions = {}): TransitionerClient {
  const statusCall: PeerCall = { peer: 'transitioner', method: 'GET', url: peerUrl(baseUrl, '/status') };
  return {
    url: baseUrl,
    status: async () => expectShape(statusCall, await callPeer(statusCall, options), TRANSITIONER_STATUS),
    async runTransition(name, runOptions = {}) {
      const call: PeerCall = { peer: 'transitioner', method: 'POST', url: peerUrl(baseUrl, `/transitions/${encodeURIComponent(name)}/run`) };
      const answer = await callPeer({ ...call, headers: forwardedHeaders(runOptions) }, options);
      if (!answer.ok) {
        const message = (answer.body as { error?: { message?: unknown } } | undefined)?.error?.message;
        return { kind: 'refused', status: answer.status, message: typeof message === 'string' ? message : `the transitioner answered HTTP ${answer.status}`, body: answer.body ?? null };
      }
      return { kind: 'ran', status: answer.status, result: expectShape(call, answer, TRANSITION_RESULT) };
    },
  };
}
