// The deployer's loop with stagings: published in the status, peers told of phase changes, looked at again soon while
// on their way, action records served to admins and kept under the data directory.
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

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
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

async function start(driver: StagingDriver) {
  const fx = await createFixture({ commits: [{ name: 'one', files: {
    'deployers.yaml': 'deployers:\n  dev: { target: stub }\n',
    'dev/deployable/app.yaml': 'kind: ConfigMap\napiVersion: v1\nmetadata: { name: app }\n',
    'stagings.yaml': 'stagings:\n  feature: { template: dev, target: stub }\n',
    'stagings/fx.yaml': 'kind: feature\ntag: "t1"\n',
  } }] });
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
  return { deployer, clock, notes, stop, dataDir: join(dir, 'data') };
}

describe('deployer loop with stagings', () => {
  it('publishes stagings, tells the peers of each phase change, and looks again soon while one is on its way', async () => {
    // The loop's first pass and the refresh's: both still pending.
    const driver = phasedDriver(['CreatePending', 'CreatePending', 'Running']);
    const { deployer, clock, notes } = await start(driver);
    await deployer.refresh();
    expect(deployer.status().stagings?.map((s) => [s.name, s.phase])).toEqual([['fx', 'CreatePending']]);
    expect(notes).toEqual(['rollout changed in dev; stagings changed: fx']);
    // Two sleeps: the poll interval and the sooner look while the staging is pending.
    await clock.whenSleeping(2);
    expect(clock.pendingDelays()[0]).toBeLessThan(60_000);
    const passes = driver.passes.length;
    await clock.advance(clock.pendingDelays()[0]!);
    while (driver.passes.length === passes) await new Promise((resolve) => setTimeout(resolve, 5));
    await deployer.refresh();
    expect(deployer.status().stagings?.map((s) => [s.name, s.phase])).toEqual([['fx', 'Running']]);
    expect(notes).toEqual(['rollout changed in dev; stagings changed: fx', 'stagings changed: fx']);
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
