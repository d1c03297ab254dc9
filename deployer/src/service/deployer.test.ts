// The deployer's loop with a real git remote and a scripted target: who hears about rollout changes, and when it looks again.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EnvironmentStatus, RolloutState } from '@cascade/common';
import { parseConfig } from '@cascade/common/config';
import { openRepo } from '@cascade/common/git';
import { ManualClock, MetricsRegistry, silentLogger } from '@cascade/common/service';
import { createFixture } from '@cascade/git-fixture';
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

async function start(states: RolloutState[]) {
  const fx = await createFixture({ commits: [{ name: 'one', files: { 'deployers.yaml': 'deployers:\n  dev: { target: stub }\n', 'dev/deployable/app.yaml': 'kind: ConfigMap\napiVersion: v1\nmetadata: { name: app }\n' } }], head: 'one' });
  const dir = await mkdtemp(join(tmpdir(), 'cascade-deployer-loop-'));
  const repo = await openRepo({ url: fx.remote, branch: fx.branch, dir: join(dir, 'repo.git') });
  const config = parseConfig(`repo: { url: ${JSON.stringify(fx.remote)}, pollInterval: 1m }\n`, { file: join(dir, 'cascade.yaml') });
  const clock = new ManualClock();
  const target = scriptedTarget(states);
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
  return { deployer, clock, target, notes };
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
});

describe('deployer core', () => {
  it('reports an environment bound to a target the config lacks, and an environment whose target throws unexpectedly, while the others deploy', async () => {
    const fx = await createFixture({ commits: [{ name: 'one', files: {
      'deployers.yaml': 'deployers:\n  dev: { target: stub }\n  pp: { target: nope }\n  qa: { target: broken }\n',
      ...Object.fromEntries(['dev', 'pp', 'qa'].map((env) => [`${env}/deployable/app.yaml`, 'kind: ConfigMap\napiVersion: v1\nmetadata: { name: app }\n'])),
    } }] });
    const dir = await mkdtemp(join(tmpdir(), 'cascade-deployer-core-'));
    const repo = await openRepo({ url: fx.remote, branch: fx.branch, dir: join(dir, 'repo.git') });
    cleanups.push(async () => {
      await repo.close();
      await rm(dir, { recursive: true, force: true });
      await fx.cleanup();
    });
    const broken: Target = { name: 'broken', deploy: () => Promise.reject(new TypeError('Cannot read properties of undefined')) };
    const targets = new Map<string, Target>([['stub', scriptedTarget(['Clean'])], ['broken', broken]]);
    const core = createDeployerCore({ repo, targets, clock: new ManualClock(), logger: silentLogger, deployerMetrics: createDeployerMetrics(new MetricsRegistry()) });
    const status = await core.pass();
    expect(status.environments.map((e) => [e.env, e.state, e.errors?.map((x) => x.code)])).toEqual([
      ['dev', 'Clean', undefined], ['pp', 'Failed', ['unknown-target']], ['qa', 'Failed', ['internal-error']],
    ]);
  });
});
