// The example shop as the screenshots and the phone tests show it: every rollout state on screen, pp waiting for
// dev's rollout, prod for its window and its soak (times relative to now).
import { startDashboard, type Dashboard } from './dashboard.ts';
import { exampleFiles, exampleShopFixture } from './example-repo.ts';
import { exampleDeployerStatus, exampleTransitionerStatus } from './peer-stubs.ts';

/** Starts a dashboard over the example shop with the example deployer report and transitioner outlook. */
export async function startExampleDashboard(): Promise<Dashboard> {
  const deployer = exampleDeployerStatus(exampleFiles());
  const now = Date.now();
  const outlook = exampleTransitionerStatus({ since: new Date(now - 10 * 60_000).toISOString(), until: new Date(now + 50 * 60_000).toISOString(), nextRun: new Date(now + 14 * 3600_000).toISOString() });
  return startDashboard({ fixture: exampleShopFixture(), peers: { deployer: () => deployer, transitioner: () => outlook } });
}
