// Turns the aggregator's status into what the matrix shows: one row per resource, one cell per environment.
// Pure, so the hard part of the page is tested without a browser.
import { rollbackLockOf } from '@cascade/common/api';
import type { AggregatorStatus, EnvironmentStatus, ResourceError, ResourceProblem, ResourceStatus, ResourceView, TransitionOutlook, TransitionView } from '../api/wire.ts';
import { envAlerts, type EnvAlert } from './env-alerts.ts';
import { lockLines, type LockLine } from './lock-origin.ts';
import { heldWords, outlookOf, outlookWords, type ConditionWords } from './outlook-words.ts';
import { BROKEN_REASON, errorsBesides } from './resource-problems.ts';
import { describeIncoming, type IncomingWords } from './transition-words.ts';
import { transitionerReport } from './transitioner-report.ts';

/** What a cell's badge says. */
export type CellStatus =
  /** Rolled out: the deployer reports the repo's version clean. */
  | 'clean'
  /** Applied and rolling out. */
  | 'progress'
  /** Applying or rolling out failed. */
  | 'failed'
  /** The target does not run the repo's version yet. */
  | 'outdated'
  /** The environment does not have the resource. */
  | 'absent'
  /** The environment is not deployed anywhere (e.g. `latest`): the version file is all there is. */
  | 'repo'
  /** A base without a version file: not released in this environment yet. */
  | 'unreleased'
  /** The resource's own files cannot be read (a symlink, too large, a broken version file): not deployed, what runs stays. */
  | 'broken'
  /** No rollout report: the deployer is unreachable or has not reported the resource yet. */
  | 'unknown';

/** One resource in one environment. */
export interface Cell {
  env: string;
  version?: string;
  status: CellStatus;
  /** Why the cell is not clean, e.g. `NotAllUpdated 1/3`, or why the status is unknown. */
  reason?: string;
  errors: ResourceError[];
  /** Why the resource's own files cannot be read here, each with its place; empty when they can. */
  problems: ResourceProblem[];
  /** Version live on the target when the deployer reads one back and it differs from the repo. */
  liveVersion?: string;
  /** The resource's own lock reasons here. */
  lockReasons: string[];
  /** The same reasons with who locked and when, where the status knows; absent, the reasons alone are all there is. */
  locks?: LockLine[];
  /** The deployer's own report, for the detail view (objects, script state, links). */
  report?: ResourceStatus;
  /** The version the incoming transition's source has when it differs from this one: waiting to be promoted. */
  waiting?: string;
  /** Why the source's other version is not coming here, e.g. `held: dev was rolled back to 1.5.1; pp keeps 1.5.2` (then not `waiting`). */
  held?: string;
}

/** One resource across the pipeline. */
export interface ResourceRow {
  name: string;
  /** Everything before the last `/`, '' for top-level resources: rows are grouped by it. */
  folder: string;
  cells: Cell[];
  view: ResourceView;
}

/** One environment column. */
export interface EnvColumn {
  name: string;
  lockReasons: string[];
  /** The environment lock's reasons with who locked and when, where the status knows; absent, the reasons alone. */
  locks?: LockLine[];
  rollout: EnvironmentStatus['state'] | 'Unknown' | 'NotDeployed';
  /** Deployer target and namespace, e.g. `local/shop-dev`. */
  target?: string;
  incoming?: TransitionView;
  words: IncomingWords;
  /** Resources whose source version differs, i.e. waiting to be promoted into this environment (held ones aside). */
  waitingCount: number;
  /** Resources whose source version differs but that the transition holds back (a rollback in the source, an earlier version). */
  heldCount: number;
  /** Each condition of the incoming transition with its state, as the transitioner last saw it; empty when it reports none. */
  conditions: ConditionWords[];
  /** Errors the deployer reports about the whole environment, in words (pruning held, not deployed, …). */
  alerts: EnvAlert[];
}

/** The whole matrix. */
export interface Dashboard {
  commit: string | null;
  envs: EnvColumn[];
  rows: ResourceRow[];
  /** Sentences about peers that cannot be reached, for the banner. */
  peerWarnings: string[];
}

/**
 * What the last build made, so the next one rebuilds only the rows whose inputs changed: with ten thousand resources a
 * pushed version or an arriving part of the snapshot must not rebuild every row.
 */
export class DashboardMemo {
  /** Everything a row depends on besides its own resource and reports, as text: when it changes, every row is rebuilt. */
  context = '';
  /** Per resource name: the resource view and deployer reports its row was built from, and the row. */
  rows = new Map<string, { view: ResourceView; reports: Array<ResourceStatus | undefined>; row: ResourceRow }>();
  /** Each deployer environment's reports by name, per report list (a list is replaced, never changed, when reports change). */
  readonly reportIndex = new WeakMap<ResourceStatus[], Map<string, ResourceStatus>>();
}

/** Builds the matrix from a status; `now` drives the schedule wording. A memo kept between calls makes small changes cheap. */
export function buildDashboard(status: AggregatorStatus, now: Date, memo = new DashboardMemo()): Dashboard {
  const envNames = status.environments.map((env) => env.name);
  // Indexed once: the matrix looks up envs × resources cells, and a linear search per cell is quadratic.
  const deployerEnvs = new Map<string, DeployedEnv>();
  if (status.deployer.state === 'ok') {
    for (const env of status.deployer.status.environments) {
      let byName = memo.reportIndex.get(env.resources);
      if (byName === undefined) {
        byName = new Map(env.resources.map((resource) => [resource.name, resource]));
        memo.reportIndex.set(env.resources, byName);
      }
      deployerEnvs.set(env.env, { env, byName, alerts: envAlerts(env.errors) });
    }
  }
  const bindings = new Map(status.environments.map((env) => [env.name, env.deployer]));
  const incomingOf = new Map(status.transitions.map((transition) => [transition.target, transition]));
  const outlooks = new Map<string, TransitionOutlook | undefined>(status.transitions.map((transition) => [transition.target, outlookOf(status.transitioner, transition.name)]));
  const context = rowContext(status, outlooks);
  const reuse = memo.context === context;
  const kept: DashboardMemo['rows'] = new Map();

  const rows = status.resources.map((view): ResourceRow => {
    const reports = envNames.map((env) => deployerEnvs.get(env)?.byName.get(view.name));
    const before = reuse ? memo.rows.get(view.name) : undefined;
    if (before !== undefined && before.view === view && before.reports.every((report, i) => report === reports[i])) {
      kept.set(view.name, before);
      return before.row;
    }
    const cells = envNames.map((env) => cellOf(view, env, status.deployer.state === 'ok', bindings.has(env) && bindings.get(env) !== undefined, deployerEnvs.get(env)));
    for (const cell of cells) {
      const source = incomingOf.get(cell.env)?.source;
      const sourceVersion = source === undefined ? undefined : view.envs[source]?.version;
      if (sourceVersion === undefined || sourceVersion === cell.version) continue;
      const held = heldWords(outlooks.get(cell.env), view.name) ?? rollbackHold(view, source!, cell) ?? resourceLockHold(view, source!, cell);
      if (held !== undefined) cell.held = held;
      else cell.waiting = sourceVersion;
    }
    const slash = view.name.lastIndexOf('/');
    const row = { name: view.name, folder: slash < 0 ? '' : view.name.slice(0, slash), cells, view };
    kept.set(view.name, { view, reports, row });
    return row;
  });
  memo.context = context;
  memo.rows = kept;
  rows.sort((a, b) => compareNames(a.folder, b.folder) || compareNames(a.name, b.name));

  const columns = status.environments.map((env, index): EnvColumn => {
    const deployed = deployerEnvs.get(env.name)?.env;
    const rollout: EnvColumn['rollout'] = env.deployer === undefined ? 'NotDeployed' : (deployed?.state ?? 'Unknown');
    const waitingCount = rows.filter((row) => row.cells[index]?.waiting !== undefined).length;
    const heldCount = rows.filter((row) => row.cells[index]?.held !== undefined).length;
    const outlook = outlooks.get(env.name);
    const source = incomingOf.get(env.name)?.source ?? '';
    return {
      name: env.name,
      lockReasons: env.lockReasons,
      locks: lockLines(env.lockReasons, env.lockOrigins),
      rollout,
      ...(env.deployer ? { target: [env.deployer.target, env.deployer.namespace].filter(Boolean).join('/') } : {}),
      ...(incomingOf.has(env.name) ? { incoming: incomingOf.get(env.name)! } : {}),
      words: { tone: 'ok', text: '' },
      waitingCount,
      heldCount,
      conditions: outlook ? outlookWords(outlook, source, now) : [],
      alerts: env.deployer === undefined ? [] : (deployerEnvs.get(env.name)?.alerts ?? []),
    };
  });
  for (const column of columns) {
    const source = column.incoming ? columns.find((candidate) => candidate.name === column.incoming!.source) : undefined;
    column.words = describeIncoming({
      env: column.name,
      isFirst: column === columns[0],
      incoming: column.incoming,
      envLockReasons: column.lockReasons,
      waitingCount: column.waitingCount,
      heldCount: column.heldCount,
      conditions: column.conditions,
      waitingVersions: [...new Set(rows.map((row) => row.cells[columns.indexOf(column)]?.waiting).filter((v): v is string => v !== undefined))],
      sourceRollout: source?.rollout,
      report: column.incoming ? transitionerReport(status.transitioner, column.incoming.name) : { kind: 'none' },
      now,
    });
  }
  return { commit: status.commit, envs: columns, rows, peerWarnings: peerWarnings(status) };
}

/** What every row depends on besides its resource and its reports: environments, bindings, transitions, what they hold back, the deployer's environment states. */
function rowContext(status: AggregatorStatus, outlooks: ReadonlyMap<string, TransitionOutlook | undefined>): string {
  const deployer = status.deployer.state === 'ok' ? status.deployer.status.environments.map(({ resources: _reports, ...own }) => own) : status.deployer.state;
  const transitions = status.transitions.map((transition) => [transition.source, transition.target]);
  const held = [...outlooks].map(([env, outlook]) => [env, outlook === undefined ? null : outlook.held.map((h) => [h.name, h.message])]);
  return JSON.stringify([status.environments.map((env) => [env.name, env.deployer ?? null]), transitions, deployer, held]);
}

/**
 * Without the transitioner's word (unreachable, or an older one), the hold a rollback in the source makes is still
 * certain from the repo alone: the transitioner never promotes a resource out of an environment it was rolled back in.
 */
function rollbackHold(view: ResourceView, source: string, cell: Cell): string | undefined {
  const rollback = rollbackLockOf(view.envs[source]?.lockReasons);
  if (!rollback) return undefined;
  return `held: ${source} was rolled back to ${view.envs[source]?.version ?? rollback.version}; ${cell.env} keeps ${cell.version ?? 'what it has'}`;
}

/**
 * A resource locked in the environment itself (a rollback's sticky lock, say) takes nothing from the source until it
 * is unlocked: the transitioner skips it without a word, so "waiting" would promise a promotion that never comes.
 */
function resourceLockHold(view: ResourceView, source: string, cell: Cell): string | undefined {
  if ((view.envs[cell.env]?.lockReasons ?? []).length === 0) return undefined;
  return `held by lock: ${source}'s ${view.envs[source]?.version ?? 'version'} comes once ${view.name} is unlocked in ${cell.env}`;
}

/** A deployer environment report with its resources by name. */
interface DeployedEnv {
  env: EnvironmentStatus;
  byName: Map<string, ResourceStatus>;
  alerts: EnvAlert[];
}

function cellOf(view: ResourceView, env: string, deployerReachable: boolean, isDeployed: boolean, deployed: DeployedEnv | undefined): Cell {
  const cell = reportedCellOf(view, env, deployerReachable, isDeployed, deployed);
  const problems = view.envs[env]?.problems ?? [];
  // Broken files outrank whatever the deployer says: it cannot deploy the resource until someone fixes them.
  if (problems.length === 0) return cell;
  return { ...cell, status: 'broken', reason: BROKEN_REASON, problems, errors: errorsBesides(cell.errors, problems) };
}

function reportedCellOf(view: ResourceView, env: string, deployerReachable: boolean, isDeployed: boolean, deployed: DeployedEnv | undefined): Cell {
  const inEnv = view.envs[env];
  const lockReasons = inEnv?.lockReasons ?? [];
  const base = { env, errors: [] as ResourceError[], problems: [] as ResourceProblem[], lockReasons, locks: lockLines(lockReasons, inEnv?.lockOrigins) };
  if (inEnv === undefined) return { ...base, status: 'absent' };
  const version = inEnv.version;
  const withVersion = version === undefined ? base : { ...base, version };
  if (inEnv.kind === 'unreleased') return { ...withVersion, status: 'unreleased' };
  if (!isDeployed) return { ...withVersion, status: 'repo' };
  if (!deployerReachable) return { ...withVersion, status: 'unknown', reason: 'the deployer cannot be reached' };
  if (deployed === undefined) return { ...withVersion, status: 'unknown', reason: 'the deployer has not reported this environment yet' };
  if (deployed.env.state === 'Unreachable') {
    return { ...withVersion, status: 'unknown', reason: `target unreachable: ${deployed.env.unreachable?.message ?? 'no answer'}` };
  }
  const reported = deployed.byName.get(view.name);
  const blocking = deployed.alerts.find((alert) => alert.blocksDeploy);
  if (reported === undefined) return { ...withVersion, status: 'unknown', reason: blocking?.meaning ?? 'the deployer has not reported this resource yet' };
  return { ...withVersion, ...fromReport(reported, version) };
}

/** Status fields from the deployer's report; a report about another version means the deployer has not caught up. */
function fromReport(reported: ResourceStatus, repoVersion: string | undefined): Pick<Cell, 'status' | 'reason' | 'errors' | 'liveVersion' | 'report'> {
  const live = {
    report: reported,
    ...(reported.liveVersion !== undefined && reported.liveVersion !== repoVersion ? { liveVersion: reported.liveVersion } : {}),
  };
  const errors = reported.errors;
  if (reported.version !== undefined && repoVersion !== undefined && reported.version !== repoVersion) {
    return { status: 'outdated', reason: `the deployer has not picked up ${repoVersion} yet`, errors, ...live };
  }
  const status: CellStatus = { Clean: 'clean', InProgress: 'progress', Outdated: 'outdated', Failed: 'failed' }[reported.state] as CellStatus;
  const reason = reported.reason ?? errors[0]?.message;
  return { status, errors, ...live, ...(reason === undefined ? {} : { reason }) };
}

function peerWarnings(status: AggregatorStatus): string[] {
  const warnings: string[] = [];
  for (const [name, peer] of [['deployer', status.deployer], ['transitioner', status.transitioner]] as const) {
    if (peer.state === 'unreachable') warnings.push(`The ${name} is unreachable since ${new Date(peer.since).toLocaleString()}: ${peer.message}`);
  }
  return warnings;
}

/** Byte-wise name order, the same in every browser and locale. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
