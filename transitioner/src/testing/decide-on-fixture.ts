// Test support: decide one round on a git fixture and commit what was decided through the real write path.
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { parseSnapshot, type DeployerStatus, type RolloutState } from '@cascade/common';
import { openRepo, type GitRepo } from '@cascade/common/git';
import { createFixture, loadFixtureSpec, type FixtureSpec, type GitFixture } from '@cascade/git-fixture';
import { decideTransition, decideTransitions, decisionChanges, type RoundPlan, type TransitionDecision } from '../core/decide.ts';
import type { DeployerView, Observations } from '../core/observations.ts';
import { VersionOrderReader } from '../history/version-order.ts';

const FIXTURES = join(import.meta.dirname, '..', 'core', 'fixtures');
const open: Array<{ fx: GitFixture; repo: GitRepo }> = [];
afterEach(async () => {
  for (const { fx, repo } of open.splice(0)) {
    await repo.close();
    await fx.cleanup();
  }
});

/** A fixture of ./fixtures as a spec, for a test that adds what is too large to keep in a file. */
export function loadFixture(file: string): FixtureSpec {
  return loadFixtureSpec(join(FIXTURES, file));
}

/** A deployer report: each named environment in that state, at a commit that matches the head unless told otherwise. */
export function deployerSays(states: Record<string, RolloutState>): DeployerView {
  const status: DeployerStatus = {
    environments: Object.entries(states).map(([env, state]) => ({
      env,
      target: 'local',
      commit: 'c0ffee',
      state,
      resources: [{ name: 'shop/cart', state, errors: [], ...(state === 'Clean' ? {} : { reason: state === 'Failed' ? 'ProgressDeadlineExceeded' : 'NotAllUpdated 1/3' }) }],
    })),
  };
  return { kind: 'Reported', status };
}

/** What the shell would have observed, and when the round runs. */
export interface CaseOptions {
  now?: string;
  deployer?: DeployerView;
  /** Environments whose deployed content is the head's; default every environment the deployer reports. */
  deployedAtHead?: string[];
  versionsSince?: Record<string, string>;
  /** Fixture commit to decide on instead of the fixture's head. */
  at?: string;
  /** Run only this transition, as a person asking for it would (schedule ignored). */
  manual?: string;
  /** Read the order of versions from the fixture's history, as the shell does (the no-downgrade rule). */
  history?: boolean;
}

/** Decides one round on a fixture (a file in ./fixtures, or a spec built by the test), commits every planned change through the real write path, and returns the plan. */
export async function decideOn(file: string | FixtureSpec, options: CaseOptions = {}): Promise<{ fx: GitFixture; plan: RoundPlan; summary: string[] }> {
  const fx = await createFixture(typeof file === 'string' ? join(FIXTURES, file) : file);
  if (options.at) await fx.setRef('main', options.at);
  const repo = await openRepo({ url: fx.remote, branch: fx.branch, dir: join(fx.dir, 'cache') });
  open.push({ fx, repo });
  const head = (await repo.fetch()) ?? '';
  const deployer = options.deployer ?? { kind: 'Unreachable', message: 'no deployer in this test' };
  const reported = deployer.kind === 'Reported' ? deployer.status.environments.map((e) => e.env) : [];
  const observed: Observations = {
    deployer,
    deployedAtHead: new Set(options.deployedAtHead ?? reported),
    versionsSince: new Map(Object.entries(options.versionsSince ?? {}).map(([env, time]) => [env, new Date(time)])),
  };
  const snapshot = parseSnapshot(await repo.readFiles(head));
  if (options.history) observed.versionOrder = await new VersionOrderReader(repo).read(snapshot);
  const now = new Date(options.now ?? '2024-01-02T05:10:00Z');
  const manual = snapshot.transitions.find((t) => t.name === options.manual);
  const plan: RoundPlan = manual
    ? { steps: [{ transition: manual, decision: decideTransition(manual, snapshot, observed, now, { manual: true }), before: snapshot, observed }], waiting: [], outlooks: new Map() }
    : decideTransitions(snapshot, observed, now);
  for (const { decision } of plan.steps) {
    const changes = decisionChanges(decision);
    if (changes) await repo.write(() => ({ changes, message: 'apply the decision' }));
  }
  const summary = [...plan.steps.map((s) => `${s.transition.name}: ${summarize(s.decision)}`), ...plan.waiting.map((w) => `${w.transition.name}: waits for ${w.behind}`)];
  return { fx, plan, summary };
}

/** Decides one round on a fixture (as decideOn), then checks its summary and the fixture commit `main` ends up equal to. */
export async function expectRound(file: string | FixtureSpec, options: CaseOptions, summary: string[], endsAt: string): Promise<void> {
  const round = await decideOn(file, options);
  expect(round.summary).toEqual(summary);
  await round.fx.assertRefMatches('main', endsAt);
}

/** One line per decision, e.g. `dev: Promote shop/cart changed 1.0→1.1; held shop/search (latest/version/shop/search.yaml yaml-syntax)`. */
function summarize(decision: TransitionDecision): string {
  if (decision.kind === 'Promote') {
    const held = decision.held.map((h) => `${h.name} (${h.problem.file} ${h.problem.code})`).join(', ');
    return `Promote ${decision.resources.map((r) => `${r.name} ${r.change} ${r.from ?? '-'}→${r.to ?? '-'}`).join(', ')}${held ? `; held ${held}` : ''}`;
  }
  if (decision.kind === 'Skipped') {
    const { reason } = decision;
    const held = reason.kind === 'NoChange' && reason.held ? `; held ${reason.held.map((h) => `${h.name} (${h.code})`).join(', ')}` : '';
    return `Skipped ${reason.kind}${reason.kind === 'Scheduled' ? ` ${reason.nextRun}` : ''}${held}`;
  }
  return decision.kind;
}

