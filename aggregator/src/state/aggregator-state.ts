// The aggregator's view of the world: the repo at its head, indexed history, the peers' statuses, fed to the event hub.
import type { DeployerStatus, RepoFiles, Staging, StagingMemo, StagingStatus, TransitionerStatus, SnapshotWithFiles } from '@cascade/common';
import { deriveStagings, LayeredMap, parseSnapshot, patchSnapshot, SnapshotReader } from '@cascade/common';
import type { HistoryEntry, PeerStatus, StagingList, StagingView } from '@cascade/common/api';
import type { GitRepo } from '@cascade/common/git';
import type { LeaseDirectory } from '@cascade/common/election';
import { deployerClientFor, transitionerClientFor, type DeployerClient, type TransitionerClient } from '@cascade/common/peers';
import type { Clock } from '@cascade/common/service';
import { EventHub, sequenceStart } from '../events/event-hub.ts';
import type { HistoryIndex } from '../history/history-index.ts';
import { VersionCatalog } from '../history/version-catalog.ts';
import { withPipelineOrder } from '../history/moves.ts';
import { SecretOrigins } from '../history/secret-origins.ts';
import { LockOrigins } from '../history/lock-origins.ts';
import { StagingChanges } from '../history/staging-changes.ts';
import { secretKeysOf, stagingSecretKeys } from './secret-keys.ts';
import { archivePendingOf, buildStagingViews, deployerStagings, stagingKindViews } from './staging-views.ts';
import { buildStatus, StatusMemo } from './build-status.ts';
import { PEER_TIMEOUT_MS, pollPeer, samePeerStatus } from './peers.ts';

/** What the state needs: the repo handle, the history index, the peers' base URLs and a clock. */
export interface AggregatorStateOptions {
  repo: GitRepo;
  index: HistoryIndex;
  deployerUrl: string;
  transitionerUrl: string;
  clock: Clock;
  fetchImpl?: typeof fetch;
  /** With `election`: finds the deployer replica of each shard and the active transitioner through their Leases. */
  directory?: LeaseDirectory;
  /** The deployer's status when it runs in this process (`cascade up`): read directly, not polled over HTTP; not with `directory`. */
  deployerStatus?: () => DeployerStatus;
}

/** Holds the latest snapshot, history and peer statuses; each refresh publishes what changed. */
export class AggregatorState {
  readonly catalog = new VersionCatalog();
  readonly stagingChanges = new StagingChanges();
  readonly hub: EventHub;
  private readonly reader: SnapshotReader;
  private snapshot: SnapshotWithFiles | undefined;
  /** The head snapshotOf last parsed in full, over a copy of its files; dropped at the next read of the repo. */
  private parsedHead: SnapshotWithFiles | undefined;
  private deployer: PeerStatus<DeployerStatus>;
  private transitioner: PeerStatus<TransitionerStatus>;
  private readonly deployerClient: DeployerClient;
  private readonly transitionerClient: TransitionerClient;
  private repoRead = false;
  private refreshing: Promise<void> = Promise.resolve();
  private readonly statusMemo = new StatusMemo();
  private readonly secretOrigins: SecretOrigins;
  private readonly lockOrigins: LockOrigins;
  private readonly stagingMemo: StagingMemo = new Map();

  constructor(private readonly options: AggregatorStateOptions) {
    this.reader = new SnapshotReader(options.repo);
    this.secretOrigins = new SecretOrigins(options.repo);
    this.lockOrigins = new LockOrigins(options.repo);
    this.deployer = { state: 'unknown', url: options.deployerUrl };
    this.transitioner = { state: 'unknown', url: options.transitionerUrl };
    const clientOptions = { timeoutMs: PEER_TIMEOUT_MS, fetch: options.fetchImpl };
    this.deployerClient = deployerClientFor(options.deployerUrl, options.directory, clientOptions, options.deployerStatus);
    this.transitionerClient = transitionerClientFor(options.transitionerUrl, options.directory, clientOptions);
    this.hub = new EventHub(this.status(), sequenceStart(options.clock.now()));
  }

  /** True once the repo has been read at least once. */
  get ready(): boolean {
    return this.repoRead;
  }

  /** The snapshot at the last head read, undefined while the branch does not exist. */
  get current(): SnapshotWithFiles | undefined {
    return this.snapshot;
  }

  /**
   * The snapshot of `files`, the tree of a head a write is applied to, patched with the reader's parse cache onto the
   * snapshot last read, so it costs what changed since: the writes of a batch before it. Where the change reaches
   * beyond resources (a lock, a reserved file, a resource with a problem) the head is parsed in full, as a read would
   * be, and the heads after it are patched onto that one until the next read: one full parse per lock, not one
   * per write after it. `before`, the snapshot of the head before in the write's chain, is patched onto instead when
   * given: the change since it is one write's.
   */
  snapshotOf(files: RepoFiles, before?: SnapshotWithFiles): SnapshotWithFiles {
    const cache = this.reader.cache;
    const previous = before ?? this.parsedHead ?? this.snapshot;
    const patched = previous === undefined ? undefined : patchSnapshot(previous, files, { cache });
    if (patched !== undefined) return patched;
    const parsed = parseSnapshot(files, { cache });
    // The write path edits `files` in place for the next write of its batch, so later patches compare with a copy.
    this.parsedHead = { ...parsed, files: { commit: files.commit, files: LayeredMap.copyOf(files.files) } };
    return parsed;
  }

  /**
   * Fetches the branch (or, with `fetch: false` right after a push of ours, takes the head the push left), indexes
   * new commits, re-reads the snapshot, and publishes the change. Refreshes run one at a time.
   */
  refreshRepo(options: { fetch?: boolean } = {}): Promise<void> {
    const run = this.refreshing.then(() => this.refreshOnce(options.fetch ?? true));
    this.refreshing = run.catch(() => {});
    return run;
  }

  private async refreshOnce(fetch: boolean): Promise<void> {
    const head = fetch ? await this.options.repo.fetch() : await this.options.repo.head();
    const before = { snapshot: this.snapshot, read: this.repoRead };
    const { added, rebuilt } = await this.options.index.update(head);
    if (rebuilt) {
      this.catalog.clear();
      this.stagingChanges.clear();
    }
    for (const entry of [...added].reverse()) {
      this.catalog.record(entry);
      this.stagingChanges.record(entry);
    }
    if (head === null) this.snapshot = this.parsedHead = undefined;
    else if (this.snapshot?.commit !== head) {
      this.snapshot = await this.reader.read(head);
      this.parsedHead = undefined;
      this.attributeManualVersions(added);
      await this.secretOrigins.update(this.snapshot);
      await this.lockOrigins.update(this.snapshot);
      this.stagingChanges.retain(new Set(this.snapshot.stagings.keys()));
    }
    this.repoRead = true;
    // A poll that found the head it had, with no new history, leaves the status as published (building it walks every resource).
    if (rebuilt || added.length > 0 || this.snapshot !== before.snapshot || !before.read) this.publish(rebuilt ? [] : added);
  }

  /**
   * Polls the deployer and the transitioner once, and publishes the change. A peer whose answer only differs in
   * `fetchedAt` keeps its previous entry, so an idle pipeline sends no deltas and `fetchedAt` is when the status
   * shown was first fetched.
   */
  async refreshPeers(): Promise<void> {
    const { clock } = this.options;
    const [deployer, transitioner] = await Promise.all([pollPeer(this.deployerClient, this.deployer, clock), pollPeer(this.transitionerClient, this.transitioner, clock)]);
    const deployerChanged = !samePeerStatus(this.deployer, deployer);
    const transitionerChanged = !samePeerStatus(this.transitioner, transitioner);
    if (deployerChanged) this.deployer = deployer;
    if (transitionerChanged) this.transitioner = transitioner;
    // Building the status walks every resource: an idle poll, which found what it had, leaves it as published.
    if (deployerChanged || transitionerChanged) this.publish([]);
  }

  /** The stagings and kinds as `GET /stagings` answers them; the stagings are the status's own list. */
  stagingList(): StagingList {
    const stagings = this.hub.state.stagings ?? [];
    return { stagings, kinds: this.snapshot ? stagingKindViews(this.snapshot, deployerStagings(this.deployer)) : [] };
  }

  /** One staging's file, its entry of the status and the deployer's report, for `GET /stagings/{name}`; undefined when there is none. */
  staging(name: string): { staging: Staging; view: StagingView; status: StagingStatus | undefined } | undefined {
    const staging = this.snapshot?.stagings.get(name);
    const view = this.hub.state.stagings?.find((candidate) => candidate.name === name);
    if (staging === undefined || view === undefined) return undefined;
    return { staging, view, status: deployerStagings(this.deployer).get(name) };
  }

  /** History entries as the API sends them: each promotion's moves marked as a downgrade or not by pipeline order. */
  withMoveOrder(entries: HistoryEntry[]): HistoryEntry[] {
    return entries.map((entry) => withPipelineOrder(entry, (resource, a, b) => this.enteredBefore(resource, a, b)));
  }

  /**
   * True when version `a` of a resource entered the pipeline before `b`, by the commits that introduced them: their
   * places on the branch's line while both are indexed, else their times; undefined when either is unknown.
   */
  private enteredBefore(resource: string, a: string, b: string): boolean | undefined {
    const first = this.catalog.originOf(resource, a);
    const second = this.catalog.originOf(resource, b);
    if (first === undefined || second === undefined || first.commit === second.commit) return undefined;
    const [x, y] = [this.options.index.position(first.commit), this.options.index.position(second.commit)];
    if (x !== undefined && y !== undefined) return x < y;
    const [tx, ty] = [Date.parse(first.time), Date.parse(second.time)];
    return tx === ty || Number.isNaN(tx) || Number.isNaN(ty) ? undefined : tx < ty;
  }

  /** Stagings the deployer reports as still being archived; they count against their kind's limit. */
  archivePending(): Set<string> {
    return archivePendingOf(deployerStagings(this.deployer));
  }

  private status() {
    const secrets = this.snapshot ? secretKeysOf(this.snapshot, this.secretOrigins) : undefined;
    const status = buildStatus(this.snapshot, this.catalog, { deployer: this.deployer, transitioner: this.transitioner }, this.statusMemo, secrets, this.lockOrigins);
    return { ...status, stagings: this.stagingViews() };
  }

  /** The stagings of the snapshot with the deployer's phases and the history's last changes. */
  private stagingViews(): StagingView[] {
    const snapshot = this.snapshot;
    if (snapshot === undefined) return [];
    return buildStagingViews(snapshot, {
      derived: deriveStagings(snapshot, this.stagingMemo),
      deployer: deployerStagings(this.deployer),
      changes: this.stagingChanges,
      secrets: (staging) => stagingSecretKeys(snapshot, this.secretOrigins, staging),
    });
  }

  private publish(commits: HistoryEntry[]): void {
    this.hub.publish(this.status(), this.withMoveOrder(commits));
  }

  /** Versions that appeared through a person's commit get that commit as their origin. */
  private attributeManualVersions(added: HistoryEntry[]): void {
    // Sets: one commit may touch thousands of resources, and every resource of the snapshot looks it up.
    const manual = added.filter((e) => e.type === 'Manual').map((entry) => ({ entry, envs: new Set(entry.environments), resources: new Set(entry.resources) }));
    if (manual.length === 0) return;
    for (const env of this.snapshot?.environments.values() ?? []) {
      for (const resource of env.resources.values()) {
        const version = resource.version?.version;
        if (version === undefined || this.catalog.has(resource.name, version)) continue;
        const origin = manual.find((m) => m.envs.has(env.name) && m.resources.has(resource.name))?.entry;
        // Without a commit in this round there is nothing to attribute; the status lists such versions last.
        if (origin) this.catalog.introduce(resource.name, version, origin, env.name);
      }
    }
  }
}
