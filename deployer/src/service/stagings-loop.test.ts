// The deployer's loop with stagings: published in the status as each staging's turn ends, peers told of phase changes,
// a changed staging deployed beside another's slow deploy but never twice at once, looked at again soon while on
// their way, action records served to admins and kept under the data directory.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EnvironmentStatus, StagingPhase } from '@cascade/common';
import { parseConfig } from '@cascade/common/config';
import { openRepo } from '@cascade/common/git';
import { ManualClock, MetricsRegistry, hashToken, silentLogger } from '@cascade/common/service';
import { createFixture } from '@cascade/git-fixture';
import { ScriptLogStore } from '../scripts/log-store.ts';
import type { StagingDriver, StagingPass } from '../stagings/driver.ts';
import type { EnvironmentPass, Target } from '../targets/target.ts';
import { createDeployer } from './deployer.ts';
import { createDeployerMetrics } from './metrics.ts';
import { STAGING_NEWS_INTERVAL_MS } from './staging-news.ts';

const cleanups: Array<() => Promise<void>> = [];
/** Ends every held deploy first, so a failed test does not leave the deployer's stop waiting for one. */
const releases: Array<() => void> = [];
afterEach(async () => {
  for (const release of releases.splice(0)) release();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const target: Target = {
  name: 'stub',
  async deploy(pass: EnvironmentPass): Promise<EnvironmentStatus> {
    return { env: pass.env, target: 'stub', commit: pass.commit, state: 'Clean', resources: [] };
  },
};

/** A staging driver that reports the given phases, one per pass, repeating the last. */
function phasedDriver(phases: StagingPhase[]): StagingDriver & { passes: StagingPass[] } {
  const passes: StagingPass[] = [];
  return {
    passes,
    async deploy(pass) {
      const phase = phases[Math.min(passes.length, phases.length - 1)]!;
      passes.push(pass);
      const { staging, kind } = pass.deployment;
      return { name: staging.name, kind: kind.name, target: kind.target, tag: staging.tag, phase, commit: pass.commit, links: [], resources: [], errors: [] };
    },
  };
}

/**
 * A staging driver answering Running that remembers every deploy (`name@commit`) and the most deploys of one staging
 * at once; a deploy of a `gated` staging waits until the test calls `release` for it.
 */
function gatedDriver(held: string[]) {
  const closed = new Set(held);
  const waiting = new Map<string, Array<() => void>>();
  const running = new Map<string, number>();
  const started: string[] = [];
  let mostOfOne = 0;
  const driver: StagingDriver = {
    async deploy(pass) {
      const { staging, kind } = pass.deployment;
      started.push(`${staging.name}@${pass.commit}`);
      running.set(staging.name, (running.get(staging.name) ?? 0) + 1);
      mostOfOne = Math.max(mostOfOne, running.get(staging.name)!);
      if (closed.has(staging.name)) await new Promise<void>((resolve) => waiting.set(staging.name, [...(waiting.get(staging.name) ?? []), resolve]));
      running.set(staging.name, running.get(staging.name)! - 1);
      return { name: staging.name, kind: kind.name, target: kind.target, tag: staging.tag, phase: 'Running', commit: pass.commit, links: [], resources: [], errors: [] };
    },
  };
  releases.push(() => {
    for (const name of [...waiting.keys()]) control.release(name);
  });
  const control = {
    driver,
    started,
    mostOfOne: () => mostOfOne,
    running: (name: string) => running.get(name) ?? 0,
    /** Lets the waiting deploys of `name` end, and later ones run through. */
    release(name: string) {
      closed.delete(name);
      for (const resolve of waiting.get(name) ?? []) resolve();
      waiting.delete(name);
    },
  };
  return control;
}

/** Waits (bounded) until `done` holds; throws naming `what` otherwise. */
async function until(what: string, done: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const FEATURE_KIND = { 'stagings.yaml': 'stagings:\n  feature: { template: dev, target: stub }\n' };

/** A deployer over a repo with the given staging files (default one staging `fx`); `next` is a second commit's changes, not yet on the branch. */
async function start(driver: StagingDriver, stagings: Record<string, string> = { fx: 't1' }, next?: Record<string, string>) {
  const files = (tags: Record<string, string>) => Object.fromEntries(Object.entries(tags).map(([name, tag]) => [`stagings/${name}.yaml`, `kind: feature\ntag: "${tag}"\n`]));
  const fx = await createFixture({ head: 'one', commits: [{ name: 'one', files: {
    'deployers.yaml': 'deployers:\n  dev: { target: stub }\n',
    'dev/deployable/app.yaml': 'kind: ConfigMap\napiVersion: v1\nmetadata: { name: app }\n',
    ...FEATURE_KIND,
    ...files(stagings),
  } }, ...(next === undefined ? [] : [{ name: 'two', files: files(next) }])] });
  const dir = await mkdtemp(join(tmpdir(), 'cascade-deployer-stagings-'));
  const repo = await openRepo({ url: fx.remote, branch: fx.branch, dir: join(dir, 'repo.git') });
  const config = parseConfig(`repo: { url: ${JSON.stringify(fx.remote)}, pollInterval: 1m }\ndataDir: data\naggregator:\n  tokens: [ { name: ops, role: admin, sha256: "${hashToken('admin-token')}" } ]\n`, { file: join(dir, 'cascade.yaml') });
  const clock = new ManualClock();
  const notes: string[] = [];
  const metrics = new MetricsRegistry();
  const deployer = createDeployer({
    config, repo, targets: new Map([['stub', target]]), stagingDrivers: new Map([['stub', driver]]), clock, logger: silentLogger, metrics,
    deployerMetrics: createDeployerMetrics(metrics), logs: new ScriptLogStore(), notifier: { notify: (reason) => void notes.push(reason), close: () => {} },
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await deployer.stop();
  };
  cleanups.push(async () => {
    await stop();
    await repo.close();
    await rm(dir, { recursive: true, force: true });
    await fx.cleanup();
  });
  return { deployer, clock, notes, stop, dataDir: join(dir, 'data'), fx };
}

describe('deployer loop with stagings', () => {
  it('publishes stagings, tells the peers of each phase change, and looks again soon while one is on its way', async () => {
    // The loop's first pass and the refresh's: both still pending.
    const driver = phasedDriver(['CreatePending', 'CreatePending', 'Running']);
    const { deployer, clock, notes } = await start(driver);
    await deployer.refresh();
    expect(deployer.status().stagings?.map((s) => [s.name, s.phase])).toEqual([['fx', 'CreatePending']]);
    // The staging as its turn ended, the environment at the end of the pass.
    expect(notes).toEqual(['stagings changed: fx', 'rollout changed in dev']);
    // Two sleeps: the poll interval and the sooner look while the staging is pending.
    await clock.whenSleeping(2);
    expect(clock.pendingDelays()[0]).toBeLessThan(60_000);
    const passes = driver.passes.length;
    await clock.advance(clock.pendingDelays()[0]!);
    while (driver.passes.length === passes) await new Promise((resolve) => setTimeout(resolve, 5));
    await deployer.refresh();
    expect(deployer.status().stagings?.map((s) => [s.name, s.phase])).toEqual([['fx', 'Running']]);
    // Within the interval after the last notification: told at its end.
    expect(notes).toEqual(['stagings changed: fx', 'rollout changed in dev']);
    await clock.advance(STAGING_NEWS_INTERVAL_MS);
    expect(notes).toEqual(['stagings changed: fx', 'rollout changed in dev', 'stagings changed: fx']);
  });

  it('publishes each staging as its turn ends, before the slowest of the same pass, in the repo\'s order, telling the peers a few times', async () => {
    const gated = gatedDriver(['a']);
    const { deployer, clock, notes } = await start(gated.driver, { a: 't1', b: 't1', c: 't1' });
    // The loop's first pass: a's deploy is held, b and c end.
    await until('b and c published', () => (deployer.status().stagings ?? []).length === 2);
    expect(deployer.status().stagings?.map((s) => [s.name, s.phase])).toEqual([['b', 'Running'], ['c', 'Running']]);
    expect(gated.running('a')).toBe(1);
    // b was news at once; c, ending within the interval, waits for its end.
    expect(notes).toEqual(['stagings changed: b']);
    await clock.whenSleeping(1);
    await clock.advance(STAGING_NEWS_INTERVAL_MS);
    expect(notes).toEqual(['stagings changed: b', 'stagings changed: c']);
    gated.release('a');
    await until('a published', () => (deployer.status().stagings ?? []).length === 3);
    expect(deployer.status().stagings?.map((s) => s.name)).toEqual(['a', 'b', 'c']);
  });

  it('deploys a staging changed by a new commit while another staging\'s slow deploy is still in progress', async () => {
    const gated = gatedDriver(['slow']);
    const { deployer, fx } = await start(gated.driver, { slow: 't1', quick: 't1' }, { quick: 't2' });
    const [one, two] = [fx.commits.one!, fx.commits.two!];
    await until('quick deployed', () => deployer.status().stagings?.some((s) => s.name === 'quick') === true);
    await fx.setRef(fx.branch, 'two');
    // A push announced while the first pass still waits for `slow`.
    const refreshed = deployer.refresh();
    await until('quick deployed at the new commit', () => gated.started.includes(`quick@${two}`));
    expect(deployer.status().stagings?.find((s) => s.name === 'quick')).toMatchObject({ tag: 't2', commit: two });
    expect(gated.running('slow')).toBe(1);
    expect(gated.started).toEqual([`quick@${one}`, `slow@${one}`, `quick@${two}`]);
    gated.release('slow');
    await refreshed;
    expect(deployer.status().stagings?.map((s) => [s.name, s.commit])).toEqual([['quick', two], ['slow', two]]);
  });

  it('never deploys one staging twice at once: a newer pass and a watch event wait for the turn under way, and share one more', async () => {
    const gated = gatedDriver(['a']);
    const { deployer, fx } = await start(gated.driver, { a: 't1', b: 't1' }, { a: 't2', b: 't2' });
    const [one, two] = [fx.commits.one!, fx.commits.two!];
    await until('a deploying', () => gated.running('a') === 1);
    deployer.liveChanged('a', 'modified Deployment web');
    await fx.setRef(fx.branch, 'two');
    const refreshed = deployer.refresh();
    // b's new turn starts after the newer pass asked for a's, and a's own turn is still under way.
    await until('b deployed at the new commit', () => gated.started.includes(`b@${two}`));
    expect(gated.started.filter((s) => s.startsWith('a@'))).toEqual([`a@${one}`]);
    gated.release('a');
    await refreshed;
    expect(gated.started.filter((s) => s.startsWith('a@'))).toEqual([`a@${one}`, `a@${two}`]);
    expect(gated.mostOfOne()).toBe(1);
    expect(deployer.status().stagings?.map((s) => [s.name, s.tag])).toEqual([['a', 't2'], ['b', 't2']]);
  });

  it('looks at a staging alone when its target reports a change in its namespace, without fetching', async () => {
    const driver = phasedDriver(['Running']);
    const { deployer } = await start(driver);
    await deployer.refresh();
    const passes = driver.passes.length;
    deployer.liveChanged('fx', 'deleted Deployment web');
    const deadline = Date.now() + 10_000;
    while (driver.passes.length === passes && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(driver.passes.length).toBe(passes + 1);
    expect(driver.passes.at(-1)?.deployment.staging.name).toBe('fx');
  });

  it('serves the action records to admins and keeps them under the data directory', async () => {
    const { deployer, stop, dataDir } = await start(phasedDriver(['Running']));
    await deployer.refresh();
    const res = await deployer.app.request('/stagings/fx/actions', { headers: { authorization: 'Bearer admin-token' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'fx', actions: [{ action: 'create', result: 'succeeded' }] });
    await stop();
    const kept = JSON.parse(await readFile(join(dataDir, 'deployer', 'stagings', 'fx.json'), 'utf8')) as { phase: string; records: Array<{ action: string }> };
    expect([kept.phase, kept.records.map((r) => r.action)]).toEqual(['Running', ['create']]);
  });
});
