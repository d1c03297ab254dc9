// The deployer's HTTP API as the transitioner and the aggregator use it: `GET /status`, and for admins a staging's
// action records and control-script logs; checked, bounded in time.
import type { StagingScriptRun } from '../api/stagings.ts';
import type { DeployerStatus, StagingActionRecord } from '../status/deployer.ts';
import { DeltaMismatchError } from '../api/deployer-patch.ts';
import { deepFreeze } from '../model/deep-freeze.ts';
import { applyDeployerStatusDelta, type DeployerStatusDelta } from '../api/deployer-delta.ts';
import { callPeer, expectShape, forwardedHeaders, peerUrl, type ForwardedCredentials, type PeerClientOptions } from './call-peer.ts';
import type { PeerCall } from './peer-error.ts';
import { DEPLOYER_STATUS, DEPLOYER_STATUS_DELTA, SCRIPT_LOGS, STAGING_ACTION_RECORDS } from './wire-shapes.ts';

/** How a read that needs a permission at the deployer (`logs:read`) is sent: the caller's credentials, which the deployer checks against the same token list. */
type AuthorizedRead = ForwardedCredentials;

/** A client of one deployer. */
export interface DeployerClient {
  /** The base URL it was created with, e.g. `http://127.0.0.1:7401`. */
  readonly url: string;
  /** `GET /status` (conditional: an unchanged status comes back as the same object; frozen, as every part of it is); throws PeerError when there is no answer in time, an HTTP error, or something that is not a deployer status. */
  status(): Promise<DeployerStatus>;
  /** `GET /stagings/{name}/actions`: the staging's action records, oldest first; throws PeerError like `status` (a refused token is `http-status` 401 or 403). */
  stagingActions(name: string, read?: AuthorizedRead): Promise<StagingActionRecord[]>;
  /** `GET /logs/{env}/{resource}`: the control-script runs kept for them, oldest first (a staging's are under its name twice); throws PeerError like `stagingActions`. */
  scriptRuns(env: string, resource: string, read?: AuthorizedRead): Promise<StagingScriptRun[]>;
}

/**
 * `client` for a deployer running in this process (`cascade up`): its status is the deployer's own objects (frozen),
 * read without a request or a parse, so the process holds one copy of it rather than one per peer. The admin reads
 * still go over HTTP, where the deployer checks the credentials they forward.
 */
export function withInProcessStatus(client: DeployerClient, status: () => DeployerStatus): DeployerClient {
  return {
    url: client.url,
    status: async () => status(),
    stagingActions: (name, read) => client.stagingActions(name, read),
    scriptRuns: (env, resource, read) => client.scriptRuns(env, resource, read),
  };
}

/** Whether a status answer is a delta (`{ delta }`) rather than the whole status. */
function isDelta(body: unknown): body is { delta: unknown } {
  return typeof body === 'object' && body !== null && 'delta' in body;
}

/** `known` brought up by `delta`; undefined when the delta is not since `known` or does not fit it. */
function applied(known: { etag: string; status: DeployerStatus }, delta: DeployerStatusDelta): DeployerStatus | undefined {
  if (delta.since !== known.etag) return undefined;
  try {
    return applyDeployerStatusDelta(known.status, delta);
  } catch (error) {
    if (error instanceof DeltaMismatchError) return undefined;
    throw error;
  }
}

/** A client for the deployer at `baseUrl`. */
export function createDeployerClient(baseUrl: string, options: PeerClientOptions = {}): DeployerClient {
  const statusCall: PeerCall = { peer: 'deployer', method: 'GET', url: peerUrl(baseUrl, '/status') };
  let lastStatus: { etag: string; status: DeployerStatus } | undefined;
  const get = async (path: string, read: AuthorizedRead) => {
    const call: PeerCall = { peer: 'deployer', method: 'GET', url: peerUrl(baseUrl, path) };
    return { call, answer: await callPeer({ ...call, headers: forwardedHeaders(read) }, options) };
  };
  const readStatus = async (): Promise<DeployerStatus> => {
    // The deployer answers 304 while its status is the one last received: the same object is returned, unparsed.
    // Otherwise it may answer with what changed since that one, which is applied to it: unchanged reports stay the
    // same objects. A delta that does not fit, or a deployer that sends the whole status, is read whole.
    const known = lastStatus;
    const call = known === undefined ? statusCall : { ...statusCall, url: peerUrl(baseUrl, `/status?since=${encodeURIComponent(known.etag)}`) };
    const answer = await callPeer({ ...call, ...(known === undefined ? {} : { headers: { 'if-none-match': known.etag } }) }, options);
    if (answer.status === 304 && known !== undefined) return known.status;
    const received = known !== undefined && isDelta(answer.body) ? applied(known, expectShape(call, { ...answer, body: answer.body.delta }, DEPLOYER_STATUS_DELTA)) : expectShape(call, answer, DEPLOYER_STATUS);
    // Frozen, as a deployer in the same process hands it out: the parts a delta left alone stay shared with the
    // status before, so a caller that changed one would change both.
    const status = received === undefined ? undefined : deepFreeze(received);
    if (status === undefined) {
      lastStatus = undefined;
      return readStatus();
    }
    lastStatus = answer.etag === undefined ? undefined : { etag: answer.etag, status };
    return status;
  };
  return {
    url: baseUrl,
    status: readStatus,
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
