// A stand-in deployer for the stagings pages: the example's environments, plus each staging in the phase a test
// reports for it, with an action log and control-script runs per staging, over the deployer's wire format.
import type { DeployerStatus, StagingActionRecord, StagingStatus } from '@cascade/common';
import type { StagingScriptRun } from '@cascade/common/api';
import type { PeerRoutes } from './peer-stubs.ts';

/** What the stand-in says about one staging; `resources`, `links` and `errors` default to none. */
export type ReportedStaging = Pick<StagingStatus, 'name' | 'phase'> & Partial<Omit<StagingStatus, 'name' | 'phase'>>;

/** A deployer whose staging reports the test sets; pass `status` and `routes` to startDashboard's peers. */
export class StagingDeployerStandIn {
  private readonly stagings = new Map<string, StagingStatus>();
  private readonly actions = new Map<string, StagingActionRecord[]>();
  private readonly runs = new Map<string, StagingScriptRun[]>();

  constructor(private readonly environments: DeployerStatus) {}

  /** Reports `staging` from the next poll on (kind feature, target local, namespace cascade-shop-<name> unless given). */
  report(staging: ReportedStaging): void {
    this.stagings.set(staging.name, {
      kind: 'feature',
      target: 'local',
      namespace: `cascade-shop-${staging.name}`,
      tag: '',
      links: [],
      resources: [],
      errors: [],
      ...this.stagings.get(staging.name),
      ...staging,
    });
  }

  /** Keeps an action log for `name`: the deployer's steps and, for script targets, control-script runs. */
  log(name: string, actions: StagingActionRecord[], runs: StagingScriptRun[] = []): void {
    this.actions.set(name, actions);
    this.runs.set(name, runs);
  }

  /** The deployer's `GET /status`. */
  readonly status = (): DeployerStatus => ({ ...this.environments, stagings: [...this.stagings.values()] });

  /** The deployer's `GET /stagings/{name}/actions` and `GET /logs/{name}/{name}`. */
  readonly routes: PeerRoutes = (path) => {
    const actions = /^\/stagings\/([^/]+)\/actions$/.exec(path);
    if (actions) {
      const name = decodeURIComponent(actions[1]!);
      return { name, actions: this.actions.get(name) ?? [] };
    }
    const logs = /^\/logs\/([^/]+)\/([^/]+)$/.exec(path);
    if (logs) return { env: decodeURIComponent(logs[1]!), resource: decodeURIComponent(logs[2]!), runs: this.runs.get(decodeURIComponent(logs[1]!)) ?? [] };
    return undefined;
  };
}
