// Under `cascade up` the transitioner reads the deployer's status objects themselves rather than asking its /status.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deepFreeze, type DeployerStatus } from '@cascade/common';
import { parseConfig } from '@cascade/common/config';
import { ManualClock, silentLogger } from '@cascade/common/service';
import { createFixture, loadFixtureSpec } from '@cascade/git-fixture';
import { statusOf } from '../testing/status-server.ts';
import { startTransitioner } from './run.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the deployer in the same process', () => {
  it('decides from the status it hands over, with no deployer at the configured URL', async () => {
    const fx = await createFixture(loadFixtureSpec(join(import.meta.dirname, 'fixtures', 'versions.yaml')));
    cleanups.push(() => fx.cleanup());
    const dataDir = await mkdtemp(join(tmpdir(), 'cascade-transitioner-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    // Port 9 (discard) refuses connections: a deployer status can only come from the process.
    const config = parseConfig(
      [
        `repo: { url: ${JSON.stringify(fx.remote)}, branch: ${fx.branch}, pollInterval: 1h }`,
        `dataDir: ${JSON.stringify(dataDir)}`,
        'transitioner: { listen: 127.0.0.1:0, deployer: http://127.0.0.1:9, aggregator: http://127.0.0.1:9 }',
      ].join('\n'),
      { file: join(dataDir, 'cascade.yaml'), env: {} },
    );
    let current: DeployerStatus = deepFreeze(statusOf(fx.commits.base ?? '', { dev: 'Clean', pp: 'Clean' }));
    const service = await startTransitioner(config, { clock: new ManualClock('2024-01-02T05:10:00Z'), logger: silentLogger, deployerStatus: () => current });
    cleanups.push(() => service.stop());

    // The service's first round (at its start) or this one promotes latest → dev; pp waits for dev to roll out.
    await service.transitioner.runOnce();
    expect(await fx.readFile('main', 'dev/version/shop/cart.yaml')).toBe('version: "1.2"\n');
    expect(await fx.readFile('main', 'pp/version/shop/cart.yaml')).toBe('version: "1.0"\n');
    // dev rolled out at the commit that promoted into it: pp follows.
    current = deepFreeze(statusOf((await fx.git('rev-parse', 'main')).trim(), { dev: 'Clean', pp: 'Clean' }));
    await service.transitioner.runOnce();
    expect(service.transitioner.status().transitions.find((t) => t.name === 'pp')?.lastResult).toMatchObject({ kind: 'Success', promoted: [{ name: 'shop/cart' }] });
  });
});
