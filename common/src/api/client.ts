// The aggregator's routes as typed calls, over a transport each caller supplies: the CLI (with advice on failures)
// and the dashboard (with errors for the page) send requests their own way but name every route the same way.
import type { HistoryPage, HistoryQuery } from './history.ts';
import type { ArchiveBranchRequest, CreateStagingRequest, DeployStagingRequest, StagingActionLog, StagingDetail, StagingList, StagingWriteResponse, UpdateStagingRequest } from './stagings.ts';
import type { AggregatorStatus } from './status.ts';
import type { SignInOptions, WhoamiResponse } from './whoami.ts';
import type { EnvVersions, LockRequest, LockResponse, PromotionResponse, PushVersionRequest, PushVersionResponse, RollbackRequest, RollbackResponse, UnlockRequest } from './writes.ts';

/** Sends one request to a path below `/api/v1` and resolves with the parsed answer, or throws the caller's error type. */
export type ApiTransport = <T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) => Promise<T>;

/** Every `/api/v1` route of the aggregator as a typed method. */
export class AggregatorApi {
  constructor(private readonly send: ApiTransport) {}

  /** `POST /versions`: publish a version; `status` says whether it made a commit or was already there. */
  pushVersion(request: PushVersionRequest): Promise<PushVersionResponse> {
    return this.send('POST', '/versions', request);
  }

  /** `POST /locks`: lock an environment or one resource in it. */
  lock(request: LockRequest): Promise<LockResponse> {
    return this.send('POST', '/locks', request);
  }

  /** `DELETE /locks`: remove one reason, or all. */
  unlock(request: UnlockRequest): Promise<LockResponse> {
    return this.send('DELETE', '/locks', request);
  }

  /** `POST /rollbacks`: put an earlier version back on an environment, which also locks the resource there. */
  rollback(request: RollbackRequest): Promise<RollbackResponse> {
    return this.send('POST', '/rollbacks', request);
  }

  /** `GET /versions`: the versions an environment ran for a resource, newest first, with when and who. */
  envVersions(env: string, resource: string): Promise<EnvVersions> {
    return this.send('GET', `/versions?${new URLSearchParams({ env, resource }).toString()}`);
  }

  /** `POST /promotions`: run a transition now through the transitioner. */
  promote(transition: string): Promise<PromotionResponse> {
    return this.send('POST', '/promotions', { transition });
  }

  /** `GET /status`: the repo analysis merged with the deployer's and transitioner's statuses. */
  status(): Promise<AggregatorStatus> {
    return this.send('GET', '/status');
  }

  /** `GET /history`: one page of commits, newest first. */
  history(query: HistoryQuery): Promise<HistoryPage> {
    return this.send('GET', `/history${historySearch(query)}`);
  }

  /** `GET /whoami`: the identity and permissions of the current token. */
  whoami(): Promise<WhoamiResponse> {
    return this.send('GET', '/whoami');
  }

  /** `GET /sign-in`: which ways in besides a token this aggregator offers (public). */
  signInOptions(): Promise<SignInOptions> {
    return this.send('GET', '/sign-in');
  }

  /** `GET /stagings`: every staging with its state and phase, and the kinds. */
  stagings(): Promise<StagingList> {
    return this.send('GET', '/stagings');
  }

  /** `GET /stagings/{name}`: one staging with its settings, history and resources. */
  staging(name: string): Promise<StagingDetail> {
    return this.send('GET', stagingPath(name));
  }

  /** `GET /stagings/{name}/actions`: what the deployer did for a staging, and its control-script runs (admin). */
  stagingActions(name: string): Promise<StagingActionLog> {
    return this.send('GET', `${stagingPath(name)}/actions`);
  }

  /** `POST /stagings`: create a staging. */
  createStaging(request: CreateStagingRequest): Promise<StagingWriteResponse> {
    return this.send('POST', '/stagings', request);
  }

  /** `POST /stagings/deploy`: create the staging or update it to these settings; the same settings again commit nothing. */
  deployStaging(request: DeployStagingRequest): Promise<StagingWriteResponse> {
    return this.send('POST', '/stagings/deploy', request);
  }

  /** `PATCH /stagings/{name}`: change a staging's settings. */
  updateStaging(name: string, request: UpdateStagingRequest): Promise<StagingWriteResponse> {
    return this.send('PATCH', stagingPath(name), request);
  }

  /** `POST /stagings/{name}/archive`, or `POST /stagings/archive` for the staging of a branch. */
  archiveStaging(target: { name: string } | ArchiveBranchRequest): Promise<StagingWriteResponse> {
    return 'name' in target ? this.send('POST', `${stagingPath(target.name)}/archive`) : this.send('POST', '/stagings/archive', target);
  }

  /** `POST /stagings/{name}/restore`: run an archived staging again with its last settings. */
  restoreStaging(name: string): Promise<StagingWriteResponse> {
    return this.send('POST', `${stagingPath(name)}/restore`);
  }

  /** `POST /stagings/{name}/cleanup`: delete a staging with its data now (admin). */
  cleanupStaging(name: string): Promise<StagingWriteResponse> {
    return this.send('POST', `${stagingPath(name)}/cleanup`);
  }
}

/** The path of one staging; the name is encoded so a mistyped one reaches the API's name check, not another route. */
function stagingPath(name: string): string {
  return `/stagings/${encodeURIComponent(name)}`;
}

/** The query string of a history request (`?env=dev&limit=50`), or '' when no filter is set. */
export function historySearch(query: HistoryQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
  const search = params.toString();
  return search ? `?${search}` : '';
}
