// The deployer's loop with a real git remote and a scripted target: who hears about rollout changes, and when it looks again.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeployerStatus, EnvironmentStatus, RolloutState } from '@cascade/common';
import { parseConfig } from '@cascade/common/config';
import { openRepo, type GitRepo } from '@cascade/common/git';
import { createDeployerClient } from '@cascade/common/peers';
import { ManualClock, MetricsRegistry, serve, silentLogger } from '@cascade/common/service';
import { createFixture, type GitFixture } from '@cascade/git-fixture';
import { ScriptLogStore } from '../scripts/log-store.ts';
import type { EnvironmentPass, Target } from '../targets/target.ts';
import { createDeployer, createDeployerCore, type Deployer } from './deployer.ts';
import { createDeployerMetrics } from './metrics.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A target that reports the states it is given, one per pass, repeating the last. */
function scriptedTarget(states: RolloutState[]): Target & { passes: number } {
  const target = {
    name: 'stub',
    passes: 0,
    async deploy(pass: EnvironmentPass): Promise<EnvironmentStatus> {
      const state = states[Math.min(target.passes++, states.length - 1)]!;
      return { env: pass.env, target: 'stub', commit: pass.commit, state, resources: [] };
    },
  };
  return target;
}

/** A target that reports Clean with the pass's number as the version; after `hold()` a pass waits for `release()`. */
function heldTarget(): Target & { passes: number; started: number; hold(): void; release(): void } {
  let held: Promise<void> | undefined;
  let release = () => {};
  const target = {
    name: 'stub',
    passes: 0,
    started: 0,
    hold: () => void (held = new Promise<void>((resolve) => (release = resolve))),
    release() {
      held = undefined;
      release();
    },
    async deploy(pass: EnvironmentPass): Promise<EnvironmentStatus> {
      target.started++;
      await held;
      const version = String(++target.passes);
      return { env: pass.env, target: 'stub', commit: pass.commit, state: 'Clean', resources: [{ name: 'app', state: 'Clean', version, errors: [] }] };
    },
  };
  return target;
}

/** A clone of `fx`'s remote in a new folder named from `prefix`; it, the folder and the fixture go after the test. */
async function cloneOf(fx: GitFixture, prefix: string): Promise<GitRepo> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const repo = await openRepo({ url: fx.remote, branch: fx.branch, dir: join(dir, 'repo.git') });
  cleanups.push(async () => {
    await repo.close();
    await rm(dir, { recursive: true, force: true });
    await fx.cleanup();
  });
  return repo;
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}

/**
 * Makes a target one that watches its environments with `watches` watches: it reports changes itself, and counts
 * resync steps and what it was told to retain.
 */
function watching<T extends Target>(target: T, watches = 1): T & { resyncs: number; retained: string[] } {
  return Object.assign(target, {
    resyncs: 0,
    retained: [] as string[],
    watching: () => true,
    resync() {
      (target as T & { resyncs: number }).resyncs++;
    },
    resyncSteps: () => watches,
    retain(envs: ReadonlySet<string>) {
      (target as T & { retained: string[] }).retained = [...envs];
    },
  });
}

async function start(states: RolloutState[], target: Target & { passes: number } = scriptedTarget(states), deployerConfig = '') {
  const fx = await createFixture({ commits: [{ name: 'one', files: { 'deployers.yaml': 'deployers:\n  dev: { target: stub }\n', 'dev/deployable/app.yaml': 'kind: ConfigMap\napiVersion: v1\nmetadata: { name: app }\n' } }], head: 'one' });
  const dir = await mkdtemp(join(tmpdir(), 'cascade-deployer-loop-'));
  const repo = await openRepo({ url: fx.remote, branch: fx.branch, dir: join(dir, 'repo.git') });
  const config = parseConfig(`repo: { url: ${JSON.stringify(fx.remote)}, pollInterval: 1m }\n${deployerConfig}`, { file: join(dir, 'cascade.yaml') });
  const clock = new ManualClock();
  const notes: string[] = [];
  const metrics = new MetricsRegistry();
  const deployer: Deployer = createDeployer({
    config, repo, targets: new Map([['stub', target]]), clock, logger: silentLogger, metrics, deployerMetrics: createDeployerMetrics(metrics), logs: new ScriptLogStore(),
    notifier: { notify: (reason) => void notes.push(reason), close: () => {} },
  });
  cleanups.push(async () => {
    await deployer.stop();
    await repo.close();
    await rm(dir, { recursive: true, force: true });
    await fx.cleanup();
  });
  return { deployer, clock, target, notes, metrics };
}

describe('deployer loop', () => {
  it('tells the transitioner when a rollout starts and when it ends, looking again soon while it is in progress', async () => {
    const { deployer, clock, target, notes } = await start(['InProgress', 'InProgress', 'Clean']);
    await deployer.refresh();
    expect(notes).toEqual(['rollout changed in dev']);
    // Two sleeps: the poll interval and the sooner look while dev rolls out.
    await clock.whenSleeping(2);
    expect(clock.pendingDelays()[0]).toBeLessThan(60_000);
    const passes = target.passes;
    await clock.advance(clock.pendingDelays()[0]!);
    while (target.passes === passes) await new Promise((resolve) => setTimeout(resolve, 5));
    await deployer.refresh();
    expect(deployer.status().environments[0]?.state).toBe('Clean');
    // Still InProgress in between told nobody; Clean did.
    expect(notes).toEqual(['rollout changed in dev', 'rollout changed in dev']);
  });

  it('stays quiet when nothing changed', async () => {
    const { deployer, notes } = await start(['Clean']);
    await deployer.refresh();
    await deployer.refresh();
    expect(notes).toEqual(['rollout changed in dev']);
  });

  it('answers POST /refresh with 202 while a pass is held, ?wait=true with the status after the next pass, and runs one pass for a flood', async () => {
    const target = heldTarget();
    const { deployer } = await start([], target);
    // Runs before stopping the deployer, so a failing assertion never leaves a pass held.
    cleanups.push(async () => target.release());
    await deployer.refresh();
    const before = target.started;
    target.hold();
    const post = async (path: string) => deployer.app.request(path, { method: 'POST' });
    expect((await post('/refresh')).status).toBe(202);
    await until(() => target.started === before + 1);

    let answered = false;
    const waiting = post('/refresh?wait=true').then((res) => ((answered = true), res));
    const flood = await Promise.all(Array.from({ length: 50 }, () => post('/refresh')));
    expect(flood.every((res) => res.status === 202)).toBe(true);
    expect(answered).toBe(false);

    target.release();
    const res = await waiting;
    expect(res.status).toBe(200);
    // The held pass, then one more for every request that arrived during it; the answer is the status after that one.
    expect(target.started - before).toBe(2);
    expect(((await res.json()) as DeployerStatus).environments[0]?.resources[0]?.version).toBe(String(target.passes));
  });

  it('serves a status over HTTP that the peers\' deployer client accepts as it is', async () => {
    const { deployer } = await start(['InProgress']);
    await deployer.refresh();
    const server = await serve(deployer.app, '127.0.0.1:0');
    cleanups.push(() => server.close());
    expect(await createDeployerClient(server.url).status()).toEqual(deployer.status());
  });
});

describe('deployer loop with watching targets', () => {
  it('does not poll the rollout of a watched environment, and deploys it again when its target reports a change', async () => {
    const target = watching(scriptedTarget(['InProgress', 'InProgress', 'Clean']));
    const { deployer, clock, notes } = await start([], target);
    await deployer.refresh();
    // The poll and the full reconcile wait; no sooner look at the rollout, since the watch reports its end.
    await clock.whenSleeping(2);
    expect(clock.pendingDelays()).toEqual([60_000, 600_000]);
    expect(notes).toEqual(['rollout changed in dev']);
    deployer.liveChanged('dev', 'modified Deployment dev/web');
    await until(() => notes.length === 2);
    expect(target.passes).toBe(3);
    expect(deployer.status().environments[0]?.state).toBe('Clean');
  });

  it('gathers the changes reported while a pass runs into one more pass', async () => {
    const target = watching(heldTarget());
    const { deployer } = await start([], target);
    cleanups.push(async () => target.release());
    await deployer.refresh();
    const before = target.started;
    target.hold();
    deployer.liveChanged('dev', 'first');
    await until(() => target.started === before + 1);
    for (let i = 0; i < 50; i++) deployer.liveChanged('dev', `burst ${i}`);
    target.release();
    await until(() => target.passes === before + 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(target.started - before).toBe(2);
  });

  it('tells watching targets which environments are still theirs, and reads one watch afresh at a time, all over each reconcile interval', async () => {
    const target = watching(scriptedTarget(['Clean']), 3);
    const { deployer, clock, metrics } = await start([], target, 'deployer: { reconcileInterval: 30s }\n');
    await deployer.refresh();
    expect(target.retained).toEqual(['dev']);
    await clock.whenSleeping(2);
    expect(await metrics.render()).toMatch(/^cascade_deployer_full_reconciles_total 0$/m);
    const passes = target.passes;
    // Three watches in 30 s: a step every 10 s. The first begins a round, counted so a benchmark can tell the
    // reconcile's work from the work it measures.
    for (let step = 1; step <= 4; step++) {
      await clock.advance(10_000);
      await until(() => target.resyncs === step);
      expect(await metrics.render()).toMatch(new RegExp(`^cascade_deployer_full_reconciles_total ${step <= 3 ? 1 : 2}$`, 'm'));
      await clock.whenSleeping(2);
    }
    // What a step finds different the target reports as a change; the steps themselves run no pass.
    expect(target.passes).toBe(passes);
  });

  it('starts no reconcile timer when no target watches', async () => {
    const { deployer, clock } = await start(['Clean']);
    await deployer.refresh();
    await clock.whenSleeping(1);
    expect(clock.pendingDelays()).toEqual([60_000]);
  });
});

describe('deployer core', () => {
  it('hands out its status frozen: a peer reading it in the same process (`cascade up`) cannot change what the others see', async () => {
    const fx = await createFixture({ commits: [{ name: 'one', files: { 'deployers.yaml': 'deployers:\n  dev: { target: stub }\n', 'dev/deployable/app.yaml': 'kind: ConfigMap\napiVersion: v1\nmetadata: { name: app }\n' } }] });
    const repo = await cloneOf(fx, 'cascade-deployer-frozen-');
    const core = createDeployerCore({ repo, targets: new Map<string, Target>([['stub', heldTarget()]]), clock: new ManualClock(), logger: silentLogger, deployerMetrics: createDeployerMetrics(new MetricsRegistry()) });
    await core.pass();
    const status = core.status();
    const dev = status.environments[0]!;
    expect(() => status.environments.pop()).toThrow(TypeError);
    expect(() => dev.resources.push({ name: 'other', state: 'Clean', errors: [] })).toThrow(TypeError);
    expect(() => Object.assign(dev.resources[0]!, { state: 'Failed' })).toThrow(TypeError);
    expect(() => dev.resources[0]!.errors.push({ code: 'x', message: 'x' })).toThrow(TypeError);
    expect(core.status().environments[0]?.resources).toEqual([{ name: 'app', state: 'Clean', version: '1', errors: [] }]);
  });

  it('deploys the environments of other targets while one target is still busy with its own', async () => {
    const fx = await createFixture({ commits: [{ name: 'one', files: {
      'deployers.yaml': 'deployers:\n  previews: { target: slow }\n  dev: { target: fast }\n',
      ...Object.fromEntries(['previews', 'dev'].map((env) => [`${env}/deployable/app.yaml`, 'kind: ConfigMap\napiVersion: v1\nmetadata: { name: app }\n'])),
    } }] });
    const dir = await mkdtemp(join(tmpdir(), 'cascade-deployer-parallel-'));
    const repo = await openRepo({ url: fx.remote, branch: fx.branch, dir: join(dir, 'repo.git') });
    let release = () => {};
    cleanups.push(async () => {
      release();
      await repo.close();
      await rm(dir, { recursive: true, force: true });
      await fx.cleanup();
    });
    // `slow` answers only when released, like a target whose calls hang until their timeout.
    const slow: Target = { name: 'slow', deploy: (pass) => new Promise((resolve) => (release = () => resolve({ env: pass.env, target: 'slow', commit: pass.commit, state: 'Clean', resources: [] }))) };
    const fast = scriptedTarget(['Clean']);
    const core = createDeployerCore({ repo, targets: new Map<string, Target>([['slow', slow], ['fast', fast]]), clock: new ManualClock(), logger: silentLogger, deployerMetrics: createDeployerMetrics(new MetricsRegistry()) });
    const pass = core.pass();
    const deadline = Date.now() + 10_000;
    while (fast.passes === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fast.passes).toBe(1);
    release();
    const status = await pass;
    // Listed in deployers.yaml order, whichever finished first.
    expect(status.environments.map((e) => [e.env, e.state])).toEqual([['previews', 'Clean'], ['dev', 'Clean']]);
  });

  it('reports an environment bound to a target the config lacks, and an environment whose target throws unexpectedly, while the others deploy', async () => {
    const fx = await createFixture({ commits: [{ name: 'one', files: {
      'deployers.yaml': 'deployers:\n  dev: { target: stub }\n  pp: { target: nope }\n  qa: { target: broken }\n',
      ...Object.fromEntries(['dev', 'pp', 'qa'].map((env) => [`${env}/deployable/app.yaml`, 'kind: ConfigMap\napiVersion: v1\nmetadata: { name: app }\n'])),
    } }] });
    const repo = await cloneOf(fx, 'cascade-deployer-core-');
    const broken: Target = { name: 'broken', deploy: () => Promise.reject(new TypeError('Cannot read properties of undefined')) };
    const targets = new Map<string, Target>([['stub', scriptedTarget(['Clean'])], ['broken', broken]]);
    const core = createDeployerCore({ repo, targets, clock: new ManualClock(), logger: silentLogger, deployerMetrics: createDeployerMetrics(new MetricsRegistry()) });
    const status = await core.pass();
    expect(status.environments.map((e) => [e.env, e.state, e.errors?.map((x) => x.code)])).toEqual([
      ['dev', 'Clean', undefined], ['pp', 'Failed', ['unknown-target']], ['qa', 'Failed', ['internal-error']],
    ]);
  });

  it('skips an environment whose repo folder, binding and live objects are all as in its last pass, and only that one', async () => {
    const app = (n: string) => `kind: ConfigMap\napiVersion: v1\nmetadata: { name: app }\ndata: { n: "${n}" }\n`;
    const fx = await createFixture({ commits: [
      { name: 'one', files: { 'deployers.yaml': 'deployers:\n  dev: { target: stub }\n  pp: { target: stub }\n', 'dev/deployable/app.yaml': app('1'), 'pp/deployable/app.yaml': app('1') } },
      { name: 'two', parent: 'one', files: { 'dev/deployable/app.yaml': app('2') } },
    ], head: 'one' });
    const repo = await cloneOf(fx, 'cascade-deployer-skip-');
    const deployed: string[] = [];
    const live = new Map<string, number>([['dev', 0], ['pp', 0]]);
    const target: Target = {
      name: 'stub',
      liveVersion: (env) => live.get(env),
      async deploy(pass) {
        deployed.push(`${pass.env}@${pass.commit.slice(0, 7)}`);
        return { env: pass.env, target: 'stub', commit: pass.commit, state: 'Clean', resources: [{ name: 'app', state: 'Clean', errors: [] }] };
      },
    };
    const core = createDeployerCore({ repo, targets: new Map([['stub', target]]), clock: new ManualClock(), logger: silentLogger, deployerMetrics: createDeployerMetrics(new MetricsRegistry()) });
    const one = fx.commits['one']!.slice(0, 7);
    const two = fx.commits['two']!.slice(0, 7);
    await core.pass();
    await core.pass();
    expect(deployed).toEqual([`dev@${one}`, `pp@${one}`]);
    // A change in pp's cluster objects makes pp look again; dev stays skipped.
    live.set('pp', 1);
    await core.pass();
    expect(deployed.slice(2)).toEqual([`pp@${one}`]);
    // A commit changing only dev deploys dev; pp reports the new commit without a pass.
    await fx.setRef('main', 'two');
    const status = await core.pass();
    expect(deployed.slice(3)).toEqual([`dev@${two}`]);
    expect(status.environments.map((e) => [e.env, e.commit?.slice(0, 7)])).toEqual([['dev', two], ['pp', two]]);
    // A target that cannot tell whether its objects changed is deployed every pass.
    live.delete('dev');
    await core.pass();
    expect(deployed.slice(4)).toEqual([`dev@${two}`]);
  });

  it('fetches a commit announced while a pass runs at once, and the next pass deploys it without fetching again', async () => {
    const fx = await createFixture({
      commits: [
        { name: 'one', files: { 'deployers.yaml': 'deployers:\n  dev: { target: stub }\n', 'dev/deployable/app.yaml': 'kind: ConfigMap\napiVersion: v1\nmetadata: { name: app }\n' } },
        { name: 'two', parent: 'one', files: { 'dev/deployable/app.yaml': 'kind: ConfigMap\napiVersion: v1\nmetadata: { name: app, labels: { v: "2" } }\n' } },
      ],
      head: 'one',
    });
    const dir = await mkdtemp(join(tmpdir(), 'cascade-deployer-early-'));
    const repo = await openRepo({ url: fx.remote, branch: fx.branch, dir: join(dir, 'repo.git') });
    const fetched: string[] = [];
    const counting = {
      async fetch() {
        const head = await repo.fetch();
        fetched.push(String(head));
        return head;
      },
      readFiles: (commit: string) => repo.readFiles(commit),
    };
    const target = heldTarget();
    const deployed: string[] = [];
    const deploy = target.deploy.bind(target);
    target.deploy = async (pass) => (deployed.push(pass.commit), deploy(pass));
    const config = parseConfig(`repo: { url: ${JSON.stringify(fx.remote)}, pollInterval: 1m }\n`, { file: join(dir, 'cascade.yaml') });
    const metrics = new MetricsRegistry();
    const deployer = createDeployer({
      config, repo: counting, targets: new Map([['stub', target]]), clock: new ManualClock(), logger: silentLogger, metrics, deployerMetrics: createDeployerMetrics(metrics), logs: new ScriptLogStore(),
      notifier: { notify: () => {}, close: () => {} },
    });
    cleanups.push(async () => {
      target.release();
      await deployer.stop();
      await repo.close();
      await rm(dir, { recursive: true, force: true });
      await fx.cleanup();
    });
    await deployer.refresh();
    const fetches = fetched.length;
    const started = target.started;
    // A pass held at its target; the transitioner commits and says so meanwhile.
    target.hold();
    const post = (path: string) => deployer.app.request(path, { method: 'POST' });
    await post('/refresh');
    await until(() => target.started === started + 1);
    expect(fetched.length).toBe(fetches + 1);
    await fx.setRef(fx.branch, 'two');
    await post('/refresh');
    // Fetched while the pass is still held.
    await until(() => fetched.length === fetches + 2);
    expect(fetched.at(-1)).toBe(fx.commits['two']);
    // A peer saying only that its status changed starts no fetch.
    await post('/refresh?changed=status');
    target.release();
    await until(() => deployed.at(-1) === fx.commits['two']);
    // The pass after the held one deployed the new commit from the early fetch, without one of its own.
    expect(fetched.length).toBe(fetches + 2);
  });
});
