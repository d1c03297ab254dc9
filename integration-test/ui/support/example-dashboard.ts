// The example shop as the screenshots and the phone tests show it: every rollout state on screen, pp waiting for
// dev's rollout, prod for its window and its soak (times relative to now; the window is the rule's real next one).
import { nextScheduledTime } from '@cascade/common';
import { startDashboard, type Dashboard } from './dashboard.ts';
import { exampleFiles, exampleShopFixture } from './example-repo.ts';
import { exampleDeployerStatus, exampleTransitionerStatus } from './peer-stubs.ts';

/**
 * Starts a dashboard over the example shop with the example deployer report and transitioner outlook; the outlook
 * reports locked the environments `envLocks` names when asked (a test that locks one through the API adds it there).
 */
export async function startExampleDashboard(envLocks: Readonly<Record<string, string[]>> = {}): Promise<Dashboard> {
  const deployer = exampleDeployerStatus(exampleFiles());
  const now = Date.now();
  // prod's rule in examples/shop/transitions.yaml: a window names the schedule's own time, so it must be one the rule has.
  const nextRun = nextScheduledTime('0 6 * * 1-5', 'Europe/Berlin', new Date(now))!.toISOString();
  const times = { since: new Date(now - 10 * 60_000).toISOString(), until: new Date(now + 50 * 60_000).toISOString(), nextRun };
  return startDashboard({ fixture: exampleShopFixture(), peers: { deployer: () => deployer, transitioner: () => exampleTransitionerStatus({ ...times, envLocks }) } });
}
