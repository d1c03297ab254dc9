// The page's state, shared by every view: the session (token and identity), the live status, and the connection.
import { ApiClient, ApiError } from '../api/client.ts';
import type { AggregatorStatus, HistoryEntry, StagingIntent } from '../api/wire.ts';
import { allowance, type Action, type Allowance, type Whoami } from '../api/whoami.ts';
import { stagingAllowance, type StagingControl } from '../api/staging-permissions.ts';
import { connectLive, type ConnectionState, type LiveConnection } from '../live/connection.ts';
import { buildDashboard, type Dashboard } from '../model/dashboard.ts';
import { StagingKinds } from './staging-kinds.svelte.ts';

const TOKEN_KEY = 'cascade.token';

/** Reactive application state; one instance per page, created in main.ts and passed down through context. */
export class AppState {
  token = $state<string | undefined>(readToken());
  whoami = $state<Whoami | undefined>(undefined);
  /** Why the session has no identity, e.g. the token was refused. */
  sessionProblem = $state<string | undefined>(undefined);
  status = $state.raw<AggregatorStatus | undefined>(undefined);
  connection = $state<ConnectionState>({ kind: 'connecting' });
  /** Commits announced by the live stream since the page opened, newest first (the history view prepends them). */
  liveCommits = $state.raw<HistoryEntry[]>([]);
  /** Ticks every 30 s so relative wording ("next window …") stays true on an open page. */
  now = $state(new Date());
  dashboard: Dashboard | undefined = $derived(this.status ? buildDashboard(this.status, this.now) : undefined);

  readonly api = new ApiClient(() => this.token);
  /** The staging kinds, read when a stagings page needs them. */
  readonly stagingKinds = new StagingKinds(this.api);
  private live: LiveConnection | undefined;

  /** Opens the event stream and learns who the session is. */
  start(): void {
    void this.identify();
    this.live = connectLive({
      url: this.api.url('/events'),
      headers: () => this.api.authHeaders(),
      onState: (state) => {
        // A fresh clock with every change, so what just happened never reads as ahead of the page's time.
        this.now = new Date();
        this.status = state.status;
        performance.mark('cascade:status');
      },
      onCommits: (commits) => (this.liveCommits = [...commits, ...this.liveCommits].slice(0, 500)),
      onConnection: (connection) => (this.connection = connection),
    });
    setInterval(() => (this.now = new Date()), 30_000);
  }

  /** Keeps `token` for this browser tab only, and reconnects with it. */
  signIn(token: string): void {
    this.token = token.trim() || undefined;
    if (this.token) sessionStorage.setItem(TOKEN_KEY, this.token);
    else sessionStorage.removeItem(TOKEN_KEY);
    this.stagingKinds.forget();
    void this.identify();
    this.live?.reconnect();
  }

  /** Retries the event stream now instead of waiting for the backoff. */
  reconnect(): void {
    this.live?.reconnect();
  }

  /** Forgets the token. */
  signOut(): void {
    this.signIn('');
  }

  /** Whether the session may try `action`, with the reason when it may not. */
  may(action: Action): Allowance {
    if (this.whoami === undefined && this.token === undefined) return { allowed: false, why: 'Sign in with a token to change anything' };
    return allowance(this.whoami, action);
  }

  /** Whether the session may use a staging control on a staging in `state` (undefined for create), with the reason when not. */
  mayStaging(control: StagingControl, state?: StagingIntent): Allowance {
    return stagingAllowance({ may: (action) => this.may(action), role: this.whoami?.role }, control, state);
  }

  private async identify(): Promise<void> {
    this.sessionProblem = undefined;
    try {
      this.whoami = await this.api.whoami();
    } catch (error) {
      this.whoami = undefined;
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        this.sessionProblem = this.token ? 'The aggregator does not accept this token' : 'This aggregator needs a token to view anything';
      }
    }
  }
}

function readToken(): string | undefined {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined; // storage disabled: the token lives only as long as the page
  }
}
