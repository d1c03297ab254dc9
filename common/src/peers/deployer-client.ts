// The deployer's HTTP API as the transitioner and the aggregator use it: `GET /status`, checked, bounded in time.
import type { DeployerStatus } from '../status/deployer.ts';
import { callPeer, expectShape, peerUrl, type PeerClientOptions } from './call-peer.ts';
import type { PeerCall } from './peer-error.ts';
import { DEPLOYER_STATUS } from './wire-shapes.ts';

/** A client of one deployer. */
export interface DeployerClient {
  /** The base URL it was created with, e.g. `http://127.0.0.1:7401`. */
  readonly url: string;
  /** `GET /status`; throws PeerError when there is no answer in time, an HTTP error, or something that is not a deployer status. */
  status(): Promise<DeployerStatus>;
}

/** A client for the deployer at `baseUrl`. */
export function createDeployerClient(baseUrl: string, options: PeerClientOptions = {}): DeployerClient {
  const statusCall: PeerCall = { peer: 'deployer', method: 'GET', url: peerUrl(baseUrl, '/status') };
  return {
    url: baseUrl,
    status: async () => expectShape(statusCall, await callPeer(statusCall, options), DEPLOYER_STATUS),
  };
}
