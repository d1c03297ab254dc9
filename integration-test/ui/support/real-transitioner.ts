// The real transitioner, run once on a dashboard's remote, so the promotion commits a page shows are the ones
// Cascade writes (with the lines saying what moved), not hand-made fixture commits.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeployerStatus, TransitionResult } from '@cascade/common';
import { parseConfig } from '@cascade/common/config';
import { openRepo } from '@cascade/common/git';
import { silentLogger, systemClock } from '@cascade/common/service';
import type { GitFixture } from '@cascade/git-fixture';
import { createTransitioner } from '@cascade/transitioner';

/** Runs transition `name` once on `fx`'s remote, as `cascade promote` would, with `deployer` as what is deployed. */
export async function runTransitionOnce(fx: GitFixture, name: string, deployer: DeployerStatus): Promise<TransitionResult | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'cascade-ui-transitioner-'));
  const config = parseConfig(`repo: { url: ${JSON.stringify(fx.remote)}, branch: ${fx.branch}, pollInterval: 1s }\ndataDir: ${JSON.stringify(dir)}\n`, { file: join(dir, 'cascade.yaml'), env: {} });
  const repo = await openRepo({ url: fx.remote, branch: fx.branch, dir: join(dir, 'transitioner.git') });
  try {
    const transitioner = createTransitioner({ config, repo, deployerClient: { status: async () => deployer }, clock: systemClock, logger: silentLogger });
    try {
      return await transitioner.runNow(name);
    } finally {
      await transitioner.stop();
    }
  } finally {
    await repo.close();
    await rm(dir, { recursive: true, force: true });
  }
}
