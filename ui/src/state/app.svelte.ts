// The page's state, shared by every view: the session (token or sign-in, and identity), the live status, and the connection.
import { OIDC_LOGIN_PATH } from '@cascade/common/api';
import { ApiClient, ApiError } from '../api/client.ts';
import type { AggregatorStatus, HistoryEntry, SignInOptions, StagingIntent } from '../api/wire.ts';
import { allowance, type Action, type Allowance, type Whoami } from '../api/whoami.ts';
import { stagingAllowance, type StagingControl } from '../api/staging-permissions.ts';
import { connectLive, type ConnectionState, type LiveConnection } from '../live/connection.ts';
import { buildDashboard, DashboardMemo, type Dashboard } from '../model/dashboard.ts';
import { MATRIX_ROW_PX } from '../model/matrix-rows.ts';
import { signInNotice, type SessionRefusal, type SignInNotice } from '../model/sign-in-words.ts';
import { StagingKinds } from './staging-kinds.svelte.ts';

const TOKEN_KEY = 'cascade.token';
/** Resources beyond a screenful of matrix rows that the stream's first event carries, so scrolling starts on real rows. */
const FIRST_ROWS_SPARE = 24;

/** Reactive application state; one instance per page, created in main.ts and passed down through context. */
export class AppState {
  token = $state<string | undefined>(readToken());
  whoami = $state<Whoami | undefined>(undefined);
  /** The server's refusal of the session, if it refused it, and whether a token was sent with the refused request. */
  private refusal = $state<(SessionRefusal & { withToken: boolean }) | undefined>(undefined);
  /** Which ways in besides a token the aggregator offers (OIDC sign-in); undefined until known. */
  signInOptions = $state<SignInOptions | undefined>(undefined);
  /** What the sign-in card says while the session is refused; undefined while it is not. */
  signInNotice: SignInNotice | undefined = $derived(this.refusal ? signInNotice(this.refusal, { token: this.refusal.withToken, oidc: this.signInOptions?.oidc === true }) : undefined);
  /** Why the session has no identity, in one sentence, e.g. the token was not accepted. */
  sessionProblem: string | undefined = $derived(this.signInNotice ? (this.signInNotice.error ?? this.signInNotice.hint) : undefined);
  /** Set when an anonymous viewer asked to sign in: the sign-in card shows until they do or cancel. */
  signInAsked = $state(false);
  /** The sign-in card replaces the views: the session was refused, or an anonymous viewer asked for it. */
  showSignIn: boolean = $derived((this.whoami === undefined && this.refusal !== undefined) || (this.signInAsked && this.whoami?.anonymous === true));
  /** Why signing out failed, shown next to the identity until the next try. */
  signOutProblem = $state<string | undefined>(undefined);
  status = $state.raw<AggregatorStatus | undefined>(undefined);
  /** While a large status is still arriving in parts: how many resources it has in all. */
  loadingTotal = $state<number | undefined>(undefined);
  connection = $state<ConnectionState>({ kind: 'connecting' });
  /** Commits announced by the live stream since the page opened, newest first (the history view prepends them). */
  liveCommits = $state.raw<HistoryEntry[]>([]);
  /** When the last status or change arrived over the live stream: what the page shows is as of then. */
  receivedAt = $state<Date | undefined>(undefined);
  /** Ticks every 30 s so relative wording ("next window …") stays true on an open page. */
  now = $state(new Date());
  /** Rows kept between builds: a delta or a part of the snapshot rebuilds only the rows it touched. */
  private readonly dashboardMemo = new DashboardMemo();
  dashboard: Dashboard | undefined = $derived(this.status ? buildDashboard(this.status, this.now, this.dashboardMemo) : undefined);

  readonly api = new ApiClient(() => this.token, undefined, () => this.whoami?.csrfToken);
  /** The staging kinds, read when a stagings page needs them. */
  readonly stagingKinds = new StagingKinds(this.api);
  private live: LiveConnection | undefined;
  /** Counts the questions identify() asked, so only the newest answer counts. */
  private identifyCount = 0;

  /** Opens the event stream and learns who the session is. */
  start(): void {
    void this.identify();
    // An older aggregator has no such route: then only tokens are offered.
    void this.api.signInOptions().then((options) => (this.signInOptions = options), () => (this.signInOptions = { oidc: false }));
    // The first event carries a screenful of rows; the rest of a large status follows in parts, applied as they come.
    const first = Math.ceil(innerHeight / MATRIX_ROW_PX) + FIRST_ROWS_SPARE;
    this.live = connectLive({
      url: this.api.url(`/events?first=${first}`),
      headers: () => this.api.authHeaders(),
      onState: (state) => {
        // A fresh clock with every change, so what just happened never reads as ahead of the page's time.
        this.now = new Date();
        this.receivedAt = this.now;
        this.status = state.status;
        this.loadingTotal = state.pending?.total;
        performance.mark('cascade:status');
      },
      onCommits: (commits) => (this.liveCommits = [...commits, ...this.liveCommits].slice(0, 500)),
      onConnection: (connection) => {
        this.connection = connection;
        // Cascade was unreachable when the page asked who it is: ask again now that it answers.
        if (connection.kind === 'live' && this.whoami === undefined && this.refusal === undefined) void this.identify();
      },
    });
    setInterval(() => (this.now = new Date()), 30_000);
  }

  /** Keeps `token` for this browser tab only, and reconnects with it. */
  signIn(token: string): void {
    this.token = token.trim() || undefined;
    if (this.token) sessionStorage.setItem(TOKEN_KEY, this.token);
    else sessionStorage.removeItem(TOKEN_KEY);
    this.stagingKinds.forget();
    this.signInAsked = false;
    void this.identify();
    this.live?.reconnect();
  }

  /** Retries the event stream now instead of waiting for the backoff. */
  reconnect(): void {
    this.live?.reconnect();
  }

  /** Forgets the token, or ends the OIDC session when the page has no token. */
  async signOut(): Promise<void> {
    this.signOutProblem = undefined;
    if (this.token === undefined && this.whoami?.person?.via === 'oidc') {
      try {
        await this.api.signOut();
      } catch (error) {
        this.signOutProblem = `Signing out failed: ${error instanceof ApiError ? error.message : String(error)}`;
        return;
      }
    }
    this.signIn('');
  }

  /** Shows the sign-in card to an anonymous viewer (`true`), or hides it again. */
  askSignIn(asked: boolean): void {
    this.signInAsked = asked;
  }

  /** Where "Sign in" sends the person: the provider, and back to this page. */
  signInUrl(): string {
    return `${OIDC_LOGIN_PATH}?return=${encodeURIComponent(location.hash || '#/')}`;
  }

  /** Whether the session may try `action`, with the reason when it may not. */
  may(action: Action): Allowance {
    if (this.whoami === undefined && this.token === undefined) return { allowed: false, why: 'Sign in to change anything' };
    return allowance(this.whoami, action);
  }

  /** Whether the session may use a staging control on a staging in `state` (undefined for create), with the reason when not. */
  mayStaging(control: StagingControl, state?: StagingIntent): Allowance {
    return stagingAllowance({ may: (action) => this.may(action), role: this.whoami?.role }, control, state);
  }

  /** Asks who the session is. The last answer stays until the next arrives, so the sign-in card does not blink while a token is checked. */
  private async identify(): Promise<void> {
    const asked = ++this.identifyCount;
    const withToken = this.token !== undefined;
    try {
      const whoami = await this.api.whoami();
      if (asked !== this.identifyCount) return;
      this.whoami = whoami;
      this.refusal = undefined;
    } catch (error) {
      // An answer to an older question (a token pasted since) must not overwrite the newer one.
      if (asked !== this.identifyCount) return;
      this.whoami = undefined;
      this.refusal = error instanceof ApiError && (error.status === 401 || error.status === 403) ? { code: error.code, message: error.message, withToken } : undefined;
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
