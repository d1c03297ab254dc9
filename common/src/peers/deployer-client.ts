// The deployer's HTTP API as the transitioner and the aggregator use it: `GET /status`, and for admins a staging's
// action records and control-script logs; checked, bounded in time.
import type { StagingScriptRun } from '../api/stagings.ts';
import type { DeployerStatus, StagingActionRecord } from '../status/deployer.ts';
import { callPeer, expectShape, forwardedHeaders, peerUrl, type ForwardedCredentials, type PeerClientOptions } from './call-peer.ts';
import type { PeerCall } from './peer-error.ts';
import { DEPLOYER_STATUS, SCRIPT_LOGS, STAGING_ACTION_RECORDS } from './wire-shapes.ts';

/** How a read that needs a permission at the deployer (`logs:read`) is sent: the caller's credentials, which the deployer checks against the same token list. */
type AuthorizedRead = ForwardedCredentials;

/** A client of one deployer. */
export interface DeployerClient {
  /** The base URL it was created with, e.g. `http://127.0.0.1:7401`. */
  readonly url: string;
  /** `GET /status` (conditional: an unchanged status comes back as the same object, which callers must not change); throws PeerError when there is no answer in time, an HTTP error, or something that is not a deployer status. */
  status(): Promise<DeployerStatus>;
  /** `GET /stagings/{name}/actions`: the staging's action records, oldest first; throws PeerError like `status` (a refused token is `http-status` 401 or 403). */
  stagingActions(name: string, read?: AuthorizedRead): Promise<StagingActionRecord[]>;
  /** `GET /logs/{env}/{resource}`: the control-script runs kept for them, oldest first (a staging's are under its name twice); throws PeerError like `stagingActions`. */
  scriptRuns(env: string, resource: string, read?: AuthorizedRead): Promise<StagingScriptRun[]>;
}

/** A client for the deployer at `baseUrl`. */
export function createDeployerClient(baseUrl: string, options: PeerClientOptions = {}): DeployerClient {
  const statusCall: PeerCall = { peer: 'deployer', method: 'GET', url: peerUrl(baseUrl, '/status') };
  let lastStatus: { etag: string; status: DeployerStatus } | undefined;
  const get = async (path: string, read: AuthorizedRead) => {
    const call: PeerCall = { peer: 'deployer', method: 'GET', url: peerUrl(baseUrl, path) };
    return { call, answer: await callPeer({ ...call, headers: forwardedHeaders(read) }, options) };
  };
  return {
    url: baseUrl,
    async status() {
      // The deployer answers 304 while its status is the one last received: the same object is returned, unparsed.
      const known = lastStatus;
      const answer = await callPeer({ ...statusCall, ...(known === undefined ? {} : { headers: { 'if-none-match': known.etag } }) }, options);
      if (answer.status === 304 && known !== undefined) return known.status;
      const status = expectShape(statusCall, answer, DEPLOYER_STATUS);
      lastStatus = answer.etag === undefined ? undefined : { etag: answer.etag, status };
      return status;
    },
    async stagingActions(name, read = {}) {
      const { call, answer } = await get(`/stagings/${encodeURIComponent(name)}/actions`, read);
      return expectShape(call, answer, STAGING_ACTION_RECORDS).actions;
    },
    async scriptRuns(env, resource, read = {}) {
      // Each segment on its own: the deployer reads the resource's slashes as part of the path.
      const path = `/logs/${encodeURIComponent(env)}/${resource.split('/').map(encodeURIComponent).join('/')}`;
      const { call, answer } = await get(path, read);
      return expectShape(call, answer, SCRIPT_LOGS).runs;
    },
  };
}
