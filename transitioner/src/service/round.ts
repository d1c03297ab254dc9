// One round of the transitioner, as a list of steps: fetch, observe, decide (pure), execute in priority order, then the staging lifecycle.
import type { SnapshotReader, SnapshotWithFiles, Transition, TransitionOutlook, TransitionResult } from '@cascade/common';
import type { Author, GitRepo } from '@cascade/common/git';
import type { DeployerClient } from '@cascade/common/peers';
import type { Clock } from '@cascade/common/service';
import { decideTransition, decideTransitions } from '../core/decide.ts';
import type { DeployerView, Observations } from '../core/observations.ts';
import { decidesAsBefore, type DecidedInputs } from '../core/unchanged-round.ts';
import { askDeployer } from '../deployer/ask-deployer.ts';
import type { RepoObserver } from '../history/observe.ts';
import type { StagingObserver } from '../history/staging-observe.ts';
import { executeStep } from './execute.ts';
import { runStagingLifecycle, type LifecycleReport } from './staging-execute.ts';

/** What a round needs; all of it passed in. */
export interface RoundDeps {
  repo: GitRepo;
  reader: SnapshotReader;
  observer: RepoObserver;
  stagingObserver: StagingObserver;
  deployer: Pick<DeployerClient, 'status'>;
  clock: Clock;
  /** History walks the round's readers share (SharedWalks), also for the changelogs of its commits; default the repo's. */
  walks?: Pick<GitRepo, 'log'>;
  /** Told as soon as a promotion's commit is on the remote, before the round goes on, so the deployer can fetch it at once. */
  promoted?: (transition: string, commit: string) => void;
}

/** What a step writes with: the repo's write path, and the round's shared history walks for its changelogs. */
function stepRepo(deps: RoundDeps): Pick<GitRepo, 'write' | 'log'> {
  const walks = deps.walks ?? deps.repo;
  return { write: (write) => deps.repo.write(write), log: (options) => walks.log(options) };
}

/** What a round did: each transition's result in order, who waited behind a blocked one, the staging lifecycle, and the snapshot it ended on. */
export interface RoundReport {
  /** When the round decided. */
  time: Date;
  /** The head the round read and what the deployer reported; absent when the branch does not exist yet. */
  inputs?: { head: string; deployer: DeployerView; observed: Observations };
  results: Array<{ transition: Transition; result: TransitionResult }>;
  waiting: Array<{ transition: Transition; behind: string }>;
  /** Every transition's conditions and pending and held resources as this round saw them; absent for a manual run. */
  outlooks?: Map<string, TransitionOutlook>;
  /** The lifecycle commits and every staging's next step; absent for a manual run of one transition. */
  stagings?: Omit<LifecycleReport, 'tip'>;
  /** The branch head after the round (with its own commits); null when the branch does not exist yet. */
  final: SnapshotWithFiles | null;
}

/**
 * Runs one round. A Blocked result, planned or found when re-deciding on a moved head, ends it. Stops between steps
 * when `signal` aborts. Undefined when the head and the deployer's report are those `last` decided on and nothing
 * fell due since: the round would decide and report the same, so it stops after the fetch and the question.
 */
export async function runRound(deps: RoundDeps, signal?: AbortSignal, last?: DecidedInputs, options: { fetch?: boolean } = {}): Promise<RoundReport | undefined> {
  const time = deps.clock.now();
  // 1. Fetch the branch (unless told only the deployer's status changed since a recent fetch) and ask the deployer,
  //    both at once: neither answer depends on the other, and each waits on another process.
  const [head, deployer] = await Promise.all([options.fetch === false ? deps.repo.head() : deps.repo.fetch(), askDeployer(deps.deployer)]);
  if (head === null) return { time, results: [], waiting: [], final: null };
  if (decidesAsBefore(last, head, deployer, time)) return undefined;
  // 2. Read the head and gather the git facts the preconditions need.
  const snapshot = await deps.reader.read(head);
  const observed = await deps.observer.observe(snapshot, deployer);
  // 3. Decide every transition, without I/O.
  const plan = decideTransitions(snapshot, observed, time, deps.reader.cache);
  // 4. Write in priority order; each write re-decides on the newest head. A Blocked one makes the rest wait.
  const results: RoundReport['results'] = [];
  let waiting = plan.waiting;
  let tip = head;
  for (const [index, step] of plan.steps.entries()) {
    if (signal?.aborted) break;
    const executed = await executeStep(step, tip, { repo: stepRepo(deps), read: (commit) => deps.reader.read(commit), now: time });
    tip = executed.tip;
    if (executed.result.kind === 'Success') deps.promoted?.(step.transition.name, executed.result.commit);
    results.push({ transition: step.transition, result: executed.result });
    if (executed.result.kind === 'Blocked') {
      const rest = [...plan.steps.slice(index + 1).map((s) => s.transition), ...plan.waiting.map((w) => w.transition)];
      waiting = rest.map((transition) => ({ transition, behind: step.transition.name }));
      break;
    }
  }
  // 5. The staging lifecycle, which no transition waits for nor blocks: archive, clean up and remove what is due, a commit each.
  const read = (commit: string) => deps.reader.read(commit);
  const { tip: tipAfter, ...stagings } = await runStagingLifecycle(tip, { repo: deps.repo, read, observe: (s) => deps.stagingObserver.observe(s, deployer), now: time }, signal);
  // 6. The snapshot the round ended on carries the schedule state it wrote.
  return { time, inputs: { head, deployer, observed }, results, waiting, outlooks: plan.outlooks, stagings, final: await deps.reader.read(tipAfter) };
}

/** Runs one transition now, as a person asked: the schedule is ignored, locks and preconditions are not. Undefined when there is no such transition. */
export async function runTransitionNow(deps: RoundDeps, name: string, author?: Author): Promise<{ report: RoundReport; result: TransitionResult } | undefined> {
  const time = deps.clock.now();
  const head = await deps.repo.fetch();
  if (head === null) return undefined;
  const snapshot = await deps.reader.read(head);
  const transition = snapshot.transitions.find((t) => t.name === name);
  if (!transition) return undefined;
  const observed = await deps.observer.observe(snapshot, await askDeployer(deps.deployer));
  const decision = decideTransition(transition, snapshot, observed, time, { manual: true });
  const step = { transition, decision, before: snapshot, observed };
  const executed = await executeStep(step, head, { repo: stepRepo(deps), read: (commit) => deps.reader.read(commit), now: time, manual: true, ...(author ? { author } : {}) });
  if (executed.result.kind === 'Success') deps.promoted?.(transition.name, executed.result.commit);
  const report: RoundReport = { time, results: [{ transition, result: executed.result }], waiting: [], final: await deps.reader.read(executed.tip) };
  return { report, result: executed.result };
}
