// What the aggregator's routes are given: the repo, the state, auth and the peers, all passed in, never global.
import type { SignInOptions } from '@cascade/common/api';
import type { LeaseDirectory } from '@cascade/common/election';
import type { GitRepo } from '@cascade/common/git';
import type { Auth, Clock, LoopRunResult, RefreshChange, ServiceEnv } from '@cascade/common/service';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import type { HistoryIndex } from '../history/history-index.ts';
import type { AggregatorState } from '../state/aggregator-state.ts';
import type { StatusViews } from '../visibility/status-views.ts';

/** The dependencies of every route. */
export interface RouteDeps {
  repo: GitRepo;
  state: AggregatorState;
  index: HistoryIndex;
  auth: Auth;
  clock: Clock;
  /** Base URL of the deployer's API, for the staging action log (admins). */
  deployerUrl: string;
  /** Base URL of the transitioner's API, for manual promotions. */
  transitionerUrl: string;
  /** `aggregator.ciEnvironments`: where ci tokens may push besides the pipeline's entry environments. */
  ciEnvironments: readonly string[];
  /** The status and its events as each role may see them (`aggregator.publicConfig`, `secrets:read`). */
  views: StatusViews;
  /** Called after every acknowledged write, so status and events catch up without waiting for the next poll. */
  afterWrite: () => void;
  /** Called on `POST /refresh` (a peer or a git host's webhook): fetch the repo (unless only a peer's status changed) and poll the peers now; resolves once both have run. */
  refresh?: (changed?: RefreshChange) => Promise<LoopRunResult>;
  /** Which ways in besides a token the dashboard may offer (`GET /sign-in`); absent: tokens only. */
  signIn?: SignInOptions;
  fetchImpl?: typeof fetch;
  /** With `election`: the deployer replica of each shard and the active transitioner, found through their Leases. */
  directory?: LeaseDirectory;
  /** The aggregator's own delegating token: it passes a signed-in person on to the transitioner and the deployer. */
  peerToken?: string;
}

/** The aggregator's Hono app type. */
export type AggregatorApp = Hono<ServiceEnv>;

/** The `/api/v1` routes: each defined with its schemas, which check requests and make the OpenAPI document. */
export type ApiApp = OpenAPIHono<ServiceEnv>;
