// What the transitioner reports at `GET /status`: the last result per transition and each staging's next step, kept in memory.
import type { SnapshotWithFiles, TransitionStatus } from '@cascade/common';
import type { RoundReport } from './round.ts';
import { stagingStatusOf, type StagingLastAction, type StagingLifecycleStatus, type TransitionerStatusWithStagings } from './staging-status.ts';

/** Keeps the latest known status of every transition and staging; rounds and manual runs feed it. */
export class StatusStore {
  private byName = new Map<string, TransitionStatus>();
  private order: string[] = [];
  private commit: string | undefined;
  private lastRound: string | undefined;
  private lastError: string | undefined;
  private stagings: StagingLifecycleStatus[] = [];
  private lastActions = new Map<string, StagingLastAction>();

  /** Records a round (or a manual run): results, who waited, and the transitions and schedule state of the final snapshot. */
  record(report: RoundReport, wholeRound: boolean): void {
    if (report.final) this.follow(report.final);
    const time = report.time.toISOString();
    for (const { transition, result } of report.results) {
      const entry = this.entry(transition.name);
      entry.lastRun = time;
      entry.lastResult = result;
      delete entry.waitingFor;
      if (result.kind === 'Success') entry.lastSuccess = { commit: result.commit, time };
    }
    for (const { transition, behind } of report.waiting) this.entry(transition.name).waitingFor = behind;
    for (const [name, outlook] of report.outlooks ?? []) if (this.byName.has(name)) this.entry(name).outlook = outlook;
    if (report.stagings) this.recordStagings(report.stagings, time);
    if (wholeRound) {
      this.lastRound = time;
      this.lastError = undefined;
    }
  }

  /** Records that a round failed, with the reason people should see. */
  recordError(error: unknown): void {
    this.lastError = error instanceof Error ? error.message : String(error);
  }

  /** The wire form for `GET /status`. */
  status(): TransitionerStatusWithStagings {
    return {
      ...(this.commit ? { commit: this.commit } : {}),
      ...(this.lastRound ? { lastRound: this.lastRound } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
      transitions: this.order.map((name) => structuredClone(this.entry(name))),
      ...(this.stagings.length > 0 ? { stagings: structuredClone(this.stagings) } : {}),
    };
  }

  /** Takes every staging's next step from a round, remembering the commits it made; stagings no longer in the repo are dropped. */
  private recordStagings(report: NonNullable<RoundReport['stagings']>, time: string): void {
    for (const { name, action, commit } of report.actions) this.lastActions.set(name, { action, commit, time });
    const names = new Set(report.plans.map((plan) => plan.staging.name));
    for (const name of this.lastActions.keys()) if (!names.has(name)) this.lastActions.delete(name);
    this.stagings = report.plans.map((plan) => stagingStatusOf(plan, this.lastActions.get(plan.staging.name)));
  }

  /** Takes the transition list, definitions and next windows from a snapshot; transitions no longer in the file are dropped. */
  private follow(snapshot: SnapshotWithFiles): void {
    this.commit = snapshot.commit;
    this.order = snapshot.transitions.map((t) => t.name);
    const kept = new Map<string, TransitionStatus>();
    for (const t of snapshot.transitions) {
      const entry = this.byName.get(t.name) ?? { name: t.name, source: t.source, target: t.target };
      Object.assign(entry, { source: t.source, target: t.target });
      for (const key of ['schedule', 'timezone', 'nextRun'] as const) delete entry[key];
      if (t.schedule !== undefined) entry.schedule = t.schedule;
      if (t.timezone !== undefined) entry.timezone = t.timezone;
      // Own entries only: a transition named `constructor` must not read a property every object inherits.
      const nextRun = t.schedule !== undefined && Object.hasOwn(snapshot.transitionState, t.name) ? snapshot.transitionState[t.name]?.nextRun : undefined;
      if (nextRun !== undefined) entry.nextRun = nextRun;
      kept.set(t.name, entry);
    }
    this.byName = kept;
  }

  private entry(name: string): TransitionStatus {
    let entry = this.byName.get(name);
    if (!entry) {
      entry = { name, source: '', target: '' };
      this.byName.set(name, entry);
    }
    return entry;
  }
}
